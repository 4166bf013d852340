package plan

import (
	"crypto/rand"
	"fmt"
	"io"
	"slices"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// DefaultPrefix starts Secret names unless Options.Prefix says otherwise.
const DefaultPrefix = "airflow"

// Options tune Build.
type Options struct {
	// Prefix starts every Secret name; DefaultPrefix when empty.
	Prefix string
	// Existing are Secrets airlock wrote before (read back from the output
	// directory): a value that would be generated again is reused, so
	// running fix twice never rotates a key by accident.
	Existing map[string]map[string]string
	// Exclude leaves these values paths alone, with the reason (fix uses it
	// when a file cannot take an edit).
	Exclude map[string]string
	// Rand is the source of generated values; crypto/rand when nil.
	Rand io.Reader
}

// group is every finding at one values path, across files.
type group struct {
	key      string // the values path as findings print it
	path     yamltree.Path
	findings []finding.Finding
}

// builder accumulates the plan; handlers stage their work in a change so
// that a handler that gives up leaves nothing behind.
type builder struct {
	in    *scan.Inputs
	o     Options
	eff   *yamltree.Node
	files map[string]*yamltree.File
	order []string
	p     *Plan
	merge map[string]edit.Frag // per file: entries to merge at the root
	owner map[string][]string  // per file: groups that need the merge
	ops   map[string]*FileEdit
	// What committed changes added, so later groups neither add an env
	// variable twice nor reuse a template name.
	envAdded map[string]bool
	tplAdded map[string]map[string]string
}

// Build plans the fix of res's findings. It fails only on internal
// errors; everything it cannot fix becomes a Skip.
func Build(in *scan.Inputs, res *scan.Result, o Options) (*Plan, error) {
	if o.Prefix == "" {
		o.Prefix = DefaultPrefix
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	b := &builder{in: in, o: o, p: &Plan{Prefix: o.Prefix}, files: map[string]*yamltree.File{},
		merge: map[string]edit.Frag{}, owner: map[string][]string{}, ops: map[string]*FileEdit{},
		envAdded: map[string]bool{}, tplAdded: map[string]map[string]string{}}
	var firsts []*yamltree.Node
	for _, f := range in.Files {
		b.files[f.Src.Name] = f
		b.order = append(b.order, f.Src.Name)
		firsts = append(firsts, f.First())
	}
	var defaults *yamltree.Node
	if in.Defaults != nil {
		defaults = in.Defaults.First()
	}
	b.eff = yamltree.Effective(defaults, firsts...)
	for _, g := range groups(res.Findings) {
		if err := b.fix(g, res.Family); err != nil {
			return nil, err
		}
	}
	b.finish()
	b.p.sort()
	return b.p, nil
}

func groups(fs []finding.Finding) []*group {
	var out []*group
	byKey := map[string]*group{}
	for _, f := range fs {
		g := byKey[f.Path]
		if g == nil {
			p, err := yamltree.ParsePath(f.Path)
			if err != nil {
				p = nil
			}
			g = &group{key: f.Path, path: yamltree.Path(p)}
			byKey[f.Path] = g
			out = append(out, g)
		}
		g.findings = append(g.findings, f)
	}
	return out
}

func (b *builder) fix(g *group, fam rule.Family) error {
	if why, ok := b.o.Exclude[g.key]; ok {
		b.skipAll(g, why)
		return nil
	}
	for _, f := range g.findings {
		if f.Loc.File == "<stdin>" {
			b.skipAll(g, "values read from standard input cannot be rewritten; pass a file with -f")
			return nil
		}
		if f.Loc.Doc > 0 {
			b.skipAll(g, fmt.Sprintf("it is in YAML document %d of %s, which Helm does not read; airlock cannot tell how it is used", f.Loc.Doc+1, f.Loc.File))
			return nil
		}
	}
	if fam != rule.AirflowHelm {
		b.skipAll(g, "the values are not for the airflow-helm chart, so airlock does not know its secret references")
		return nil
	}
	h := handlerFor(g.path)
	if h == nil {
		b.skipAll(g, remediation(g))
		return nil
	}
	ch := &change{b: b, g: g}
	if why := h(ch); why != "" {
		b.skipAll(g, why)
		return nil
	}
	return ch.commit()
}

func (b *builder) skipAll(g *group, why string) {
	for _, f := range g.findings {
		b.p.Skipped = append(b.p.Skipped, Skip{Finding: f, Reason: why})
	}
}

// remediation explains a finding no handler fixes, with the chart's way.
func remediation(g *group) string {
	f := g.findings[0]
	why := "airlock has no safe automatic fix for this key"
	if f.Remediation != "" {
		why += ": " + f.Remediation
	}
	return why
}

// finish turns the per-file root merges into ops, after the other ops of
// the file.
func (b *builder) finish() {
	for _, name := range b.order {
		if m, ok := b.merge[name]; ok {
			fe := b.fileEdit(name)
			fe.Ops = append(fe.Ops, edit.Merge{Path: nil, Value: m})
			fe.Owners = append(fe.Owners, b.owner[name])
		}
		if fe, ok := b.ops[name]; ok && len(fe.Ops) > 0 {
			b.p.Files = append(b.p.Files, fe)
		}
	}
}

func (b *builder) fileEdit(name string) *FileEdit {
	fe := b.ops[name]
	if fe == nil {
		fe = &FileEdit{File: name}
		b.ops[name] = fe
	}
	return fe
}

// addOwner records that group key needs file's root merge.
func (b *builder) addOwner(file, key string) {
	if !slices.Contains(b.owner[file], key) {
		b.owner[file] = append(b.owner[file], key)
	}
}
