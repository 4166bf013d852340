package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// change stages one group's work; commit publishes it.
type change struct {
	b      *builder
	g      *group
	ops    []fileOp
	merges []fileOp
	items  []staged
	moves  []Move
	notes  []string
	envs   []string // env variables added to airflow.extraEnv
	tpls   []tplDef // template names defined (secret holds the *Templates path)
}

type fileOp struct {
	file string
	op   edit.Op
	frag edit.Frag // merges: what to merge at the root
}

type staged struct {
	secret, component, key, value string
	generated                     bool
}

// located returns the findings written in user files.
func (ch *change) located() []finding.Finding {
	var out []finding.Finding
	for _, f := range ch.g.findings {
		if !f.Loc.IsZero() {
			out = append(out, f)
		}
	}
	return out
}

// insecure reports whether the group is a public default in effect.
func (ch *change) insecure() bool {
	return slices.ContainsFunc(ch.g.findings, func(f finding.Finding) bool { return f.Class == finding.InsecureDefault })
}

// literal is the node a located finding points at.
func (ch *change) literal(f finding.Finding) *yamltree.Node {
	file := ch.b.files[f.Loc.File]
	if file == nil || f.Loc.Doc >= len(file.Docs) {
		return nil
	}
	return file.Docs[f.Loc.Doc].Root.At(ch.g.path)
}

// eff reads the effective (merged) values.
func (ch *change) eff(p string) *yamltree.Node { return ch.b.eff.At(mustPath(p)) }

func (ch *change) op(file string, op edit.Op) { ch.ops = append(ch.ops, fileOp{file: file, op: op}) }

// mergeAt stages entries to merge into the mapping at p of file.
func (ch *change) mergeAt(file, p string, v edit.Frag) {
	ch.merges = append(ch.merges, fileOp{file: file, frag: edit.Nest(mustPath(p), v)})
}

// appendList adds items to the list at p in file: an Append when the
// file already has the list, else part of the root merge.
func (ch *change) appendList(file, p string, items ...edit.Frag) {
	path := mustPath(p)
	if n := ch.b.files[file].First().At(path); n != nil && n.Kind == yamltree.Seq {
		ch.op(file, &edit.Append{Path: path, Items: items})
		return
	}
	ch.merges = append(ch.merges, fileOp{file: file, frag: edit.Nest(path, edit.Seq(items...))})
}

// put stages a Secret key and returns the Secret name and the key it got:
// a key already holding another value gets a numbered variant.
func (ch *change) put(component, key, value string, generated bool) (string, string) {
	name := ch.b.o.Prefix + "-" + component
	for i := 1; ; i++ {
		k := key
		if i > 1 {
			k = fmt.Sprintf("%s-%d", key, i)
		}
		old, ok := ch.lookup(name, k)
		if !ok {
			ch.items = append(ch.items, staged{secret: name, component: component, key: k, value: value, generated: generated})
			return name, k
		}
		if old == value {
			return name, k
		}
	}
}

func (ch *change) lookup(secret, key string) (string, bool) {
	for _, it := range ch.items {
		if it.secret == secret && it.key == key {
			return it.value, true
		}
	}
	if s := ch.b.p.Secret(secret); s != nil {
		if it, ok := s.Get(key); ok {
			return it.Value.Reveal(), true
		}
	}
	return "", false
}

// generate returns a fresh value for a Secret key, or the value a
// previous run generated for it.
func (ch *change) generate(component, key string, gen generator) (string, error) {
	if v, ok := ch.b.o.Existing[ch.b.o.Prefix+"-"+component][key]; ok && v != "" {
		return v, nil
	}
	return gen(ch.b.o.Rand)
}

func (ch *change) move(f finding.Finding, secret, key string, generated bool, via string) {
	ch.moves = append(ch.moves, Move{Finding: f, Secret: secret, Key: key, Generated: generated, Via: via})
}

func (ch *change) note(format string, a ...any) {
	ch.notes = append(ch.notes, fmt.Sprintf(format, a...))
}

// commit publishes the staged work into the plan.
func (ch *change) commit() error {
	b := ch.b
	for _, it := range ch.items {
		s := b.p.Secret(it.secret)
		if s == nil {
			s = &Secret{Name: it.secret, Component: it.component}
			b.p.Secrets = append(b.p.Secrets, s)
		}
		s.Items = append(s.Items, Item{Key: it.key, Value: redact.New(it.value), Generated: it.generated})
	}
	for _, o := range ch.ops {
		b.addOp(o.file, ch.g.key, o.op)
	}
	for _, m := range ch.merges {
		if cur, ok := b.merge[m.file]; ok {
			b.merge[m.file] = edit.MergeFrags(cur, m.frag)
		} else {
			b.merge[m.file] = m.frag
		}
		b.addOwner(m.file, ch.g.key)
	}
	b.p.Moves = append(b.p.Moves, ch.moves...)
	for _, e := range ch.envs {
		b.envAdded[e] = true
	}
	for _, d := range ch.tpls {
		if b.tplAdded[d.secret] == nil {
			b.tplAdded[d.secret] = map[string]string{}
		}
		b.tplAdded[d.secret][d.name] = d.value
	}
	for _, n := range ch.notes {
		if !slices.Contains(b.p.Notes, n) {
			b.p.Notes = append(b.p.Notes, n)
		}
	}
	return nil
}

// addOp records an op; appends to the same list of a file coalesce into
// one op so the edit package sees the list grow once.
func (b *builder) addOp(file, owner string, op edit.Op) {
	fe := b.fileEdit(file)
	if a, ok := op.(*edit.Append); ok {
		for i, o := range fe.Ops {
			if prev, ok := o.(*edit.Append); ok && prev.Path.String() == a.Path.String() {
				prev.Items = append(prev.Items, a.Items...)
				if !slices.Contains(fe.Owners[i], owner) {
					fe.Owners[i] = append(fe.Owners[i], owner)
				}
				return
			}
		}
	}
	fe.Ops = append(fe.Ops, op)
	fe.Owners = append(fe.Owners, []string{owner})
}

func mustPath(s string) yamltree.Path {
	p, err := yamltree.ParsePath(s)
	if err != nil {
		panic("plan: bad path " + s)
	}
	return yamltree.Path(p)
}

// fileForMap picks the file that should receive new keys under the
// mapping at p: the last file (highest precedence) that has the longest
// existing prefix of p.
func (b *builder) fileForMap(p string) string {
	path := mustPath(p)
	best, bestDepth := b.order[0], -1
	for _, name := range b.order {
		n := b.files[name].First()
		d := 0
		for d < len(path) && n.At(path[:d+1]) != nil && n.At(path[:d+1]).Kind == yamltree.Map {
			d++
		}
		if n != nil && n.Kind == yamltree.Map && d >= bestDepth {
			best, bestDepth = name, d
		}
	}
	return best
}

// fileForList picks the file whose list at p is the effective one (lists
// replace), or where to create it when only the chart sets it.
func (b *builder) fileForList(p string) string {
	if n := b.eff.At(mustPath(p)); n != nil && n.FromUser() {
		return n.Src.Name
	}
	return b.fileForMap(mustPath(p).Parent().String())
}

// envSet reports whether the effective airflow.extraEnv defines name.
func (b *builder) envSet(name string) bool {
	env := b.eff.At(mustPath("airflow.extraEnv"))
	if env == nil || env.Kind != yamltree.Seq {
		return b.envAdded[name]
	}
	for _, e := range env.Items {
		if strings.TrimSpace(e.Get("name").Text()) == name {
			return true
		}
	}
	return b.envAdded[name]
}
