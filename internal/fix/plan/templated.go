package plan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// list describes one of the chart's synced lists whose fields accept
// ${VAR} templates backed by a *Templates map.
type list struct {
	path, templates string
	component       string
	nameField       string
	fields          []string // the fields the sync script substitutes
}

var (
	usersList       = list{"airflow.users", "airflow.usersTemplates", CompUsers, "username", []string{"password", "email", "firstName", "lastName"}}
	connectionsList = list{"airflow.connections", "airflow.connectionsTemplates", CompConnections, "id", []string{"host", "login", "password", "schema", "extra"}}
	variablesList   = list{"airflow.variables", "airflow.variablesTemplates", CompVariables, "key", []string{"value"}}
)

// templated replaces a field with ${VAR} and defines VAR in the list's
// *Templates map as a Secret key, which the sync script substitutes back.
func templated(l list) handler {
	return func(ch *change) string {
		for _, f := range ch.g.findings {
			if why := ch.template(l, f); why != "" {
				return why
			}
		}
		return ""
	}
}

// template fixes one finding. A literal in a list that a later file
// replaces is not used by the chart: it becomes ${VAR} without a
// template definition, and its value is not kept.
func (ch *change) template(l list, f finding.Finding) string {
	field := ch.g.path.Last()
	idx := ch.g.path[len(ch.g.path)-2].Index
	effList := ch.eff(l.path)
	var item, lit *yamltree.Node
	if f.Loc.IsZero() {
		item = effList.At(yamltree.Path{{Index: idx, IsIndex: true}})
		lit = item.Get(field)
	} else {
		lit = ch.literal(f)
		item = ch.b.files[f.Loc.File].First().At(ch.g.path.Parent())
	}
	if lit == nil || !lit.IsString() {
		return "the value is not a string; quote it in the values file first"
	}
	live := effList != nil && idx < len(effList.Items) && effList.Items[idx].Get(field) == lit
	id := item.Get(l.nameField).Text()
	if id == "" {
		return fmt.Sprintf("the list item has no %s", l.nameField)
	}
	existing := ch.templateMap(l)
	value, generated := lit.Value, f.Class == finding.InsecureDefault
	if generated {
		v, err := ch.generate(l.component, secretKey(id, field), token)
		if err != nil {
			return err.Error()
		}
		value = v
	} else if len(existing) > 0 {
		value = substitution(value, existing)
		if hasSentinel(value) {
			return "the value already uses a template together with literal text"
		}
	}
	parts := []part{{text: value}}
	if !generated && (field == "host" || field == "extra") {
		parts = splitSecrets(lit.Value, field)
	}
	newText, defs, why := ch.templateParts(l, id, field, parts, existing, live)
	if why != "" {
		return why
	}
	if live {
		if why := ch.checkSubstitution(l, effList, idx, field, newText, defs, generated); why != "" {
			return why
		}
	}
	return ch.applyTemplate(l, f, idx, field, item, newText, defs, live, generated)
}

// part is a piece of a field: literal text, or a secret for a template.
type part struct {
	text   string
	secret bool
}

// splitSecrets cuts the secrets out of a URL or text field so that only
// they move to the Secret (the rest stays readable). It falls back to the
// whole value when a secret cannot be found verbatim.
func splitSecrets(v, field string) []part {
	whole := []part{{text: v, secret: true}}
	rest := v
	var parts []part
	for i := 0; i < 16; i++ {
		h, ok := judge(rest, field)
		if !ok {
			parts = append(parts, part{text: rest})
			return parts
		}
		j := strings.Index(rest, h)
		if h == "" || j < 0 || strings.Contains(h, "$") {
			return whole
		}
		parts = append(parts, part{text: rest[:j]}, part{text: h, secret: true})
		rest = rest[j+len(h):]
		// Later secrets are judged in the remaining text, with the found
		// ones replaced by a template so they do not count again.
		if _, again := judge(joinParts(parts, "${X}")+rest, field); !again {
			parts = append(parts, part{text: rest})
			return parts
		}
	}
	return whole
}

func judge(v, field string) (string, bool) {
	var h detect.Hit
	var ok bool
	if field == "host" {
		h, ok = detect.Inspect(v)
	} else {
		h, ok = detect.ScanText(v, detect.AutoText)
	}
	return h.Secret, ok
}

func joinParts(ps []part, tpl string) string {
	var b strings.Builder
	for _, p := range ps {
		if p.secret {
			b.WriteString(tpl)
		} else {
			b.WriteString(p.text)
		}
	}
	return b.String()
}

// tplDef is one template variable the fix defines.
type tplDef struct {
	name, secret, key, value string
	generated                bool
}

// templateParts names a template per secret part and builds the field's
// new text.
func (ch *change) templateParts(l list, id, field string, parts []part, existing map[string]string, live bool) (string, []tplDef, string) {
	var b strings.Builder
	var defs []tplDef
	n := 0
	for _, p := range parts {
		if !p.secret && len(parts) > 1 {
			b.WriteString(p.text)
			continue
		}
		n++
		suffix := ""
		if n > 1 {
			suffix = fmt.Sprint(n)
		}
		base := templateVar(id, field+suffix)
		keyName := secretKey(id, field+suffix)
		if l.component == CompVariables {
			base, keyName = templateVar(id+suffix), secretKey(id+suffix)
		}
		name := ch.freeTemplate(l, base, existing)
		b.WriteString("${" + name + "}")
		defs = append(defs, tplDef{name: name, key: keyName, value: p.text})
	}
	return b.String(), defs, ""
}

// freeTemplate picks a template name not used in the effective map or by
// an earlier fix.
func (ch *change) freeTemplate(l list, base string, existing map[string]string) string {
	name := base
	for i := 2; ; i++ {
		_, used := existing[name]
		staged := slices.ContainsFunc(ch.tpls, func(d tplDef) bool { return d.secret == l.templates && d.name == name })
		if !used && !staged {
			return name
		}
		name = fmt.Sprintf("%s_%d", base, i)
	}
}

// templateMap returns the effective template names, each mapped to a
// sentinel for its unknown value, plus the ones earlier fixes defined.
func (ch *change) templateMap(l list) map[string]string {
	m := map[string]string{}
	if t := ch.eff(l.templates); t != nil && t.Kind == yamltree.Map {
		for _, e := range t.Entries {
			m[e.Key] = sentinel(e.Key)
		}
	}
	for k, v := range ch.b.tplAdded[l.templates] {
		m[k] = v
	}
	for _, d := range ch.tpls {
		if d.secret == l.templates {
			m[d.name] = d.value
		}
	}
	return m
}

// checkSubstitution proves that, with the new template names defined,
// every substituted field of every item reads as before (the edited field
// reads as the moved value).
func (ch *change) checkSubstitution(l list, effList *yamltree.Node, idx int, field, newText string, defs []tplDef, generated bool) string {
	pre := ch.templateMap(l)
	post := map[string]string{}
	for k, v := range pre {
		post[k] = v
	}
	for _, d := range defs {
		post[d.name] = d.value
	}
	for j, item := range effList.Items {
		for _, fld := range l.fields {
			n := item.Get(fld)
			if n == nil || n.Kind != yamltree.Scalar {
				continue
			}
			text := n.Value
			if j == idx && fld == field {
				if generated {
					continue // a public default replaced on purpose
				}
				text = newText
			}
			if substitution(n.Value, pre) != substitution(text, post) {
				return fmt.Sprintf("%s[%d].%s contains a $ that the chart would read as a template once %s is not empty; escape it as $$ or move it by hand", l.path, j, fld, l.templates)
			}
		}
	}
	return ""
}

// applyTemplate stages the edits, Secret keys and template definitions.
func (ch *change) applyTemplate(l list, f finding.Finding, idx int, field string, item *yamltree.Node, newText string, defs []tplDef, live, generated bool) string {
	if f.Loc.IsZero() {
		// A chart default list (the admin user): write the list into the
		// values with the field templated.
		file := ch.b.fileForList(l.path)
		var items []edit.Frag
		for j, it := range ch.eff(l.path).Items {
			fr, ok := fragOf(it)
			if !ok {
				return "the chart default list holds values airlock cannot copy"
			}
			if j == idx {
				fr = edit.MergeFrags(fr, edit.Map(field, newText))
			}
			items = append(items, fr)
		}
		ch.appendList(file, l.path, items...)
	} else {
		ch.op(f.Loc.File, ch.fieldEdit(newText, defs))
	}
	if !live {
		ch.move(f, "", "", false, fmt.Sprintf("unused: a later values file replaces %s; the literal became %s without a template", l.path, newText))
		return ""
	}
	file := ch.b.fileForList(l.path)
	var secret, keys string
	for _, d := range defs {
		s, k := ch.put(l.component, d.key, d.value, generated)
		secret = s
		keys += " " + k
		ch.mergeAt(file, l.templates, edit.Map(d.name, edit.Map("kind", "secret", "name", s, "key", k)))
		ch.tpls = append(ch.tpls, tplDef{name: d.name, value: d.value, secret: l.templates})
	}
	ch.move(f, secret, strings.TrimSpace(keys), generated, fmt.Sprintf("%s (${VAR} in %s)", l.templates, field))
	return ""
}

// fragOf copies a chart default value into a fragment.
func fragOf(n *yamltree.Node) (edit.Frag, bool) {
	switch n.Kind {
	case yamltree.Scalar:
		if n.IsString() {
			return edit.Str(n.Value), true
		}
		return edit.Plain(n.Value), true
	case yamltree.Map:
		f := edit.Map()
		for _, e := range n.Entries {
			v, ok := fragOf(e.Value)
			if !ok {
				return f, false
			}
			f = f.With(e.Key, v)
		}
		return f, true
	case yamltree.Seq:
		var items []edit.Frag
		for _, it := range n.Items {
			v, ok := fragOf(it)
			if !ok {
				return v, false
			}
			items = append(items, v)
		}
		return edit.Seq(items...), true
	}
	return edit.Frag{}, false
}

// fieldEdit rewrites only the secret parts of a field when some text
// stays, so a JSON extra or a URL keeps its layout.
func (ch *change) fieldEdit(newText string, defs []tplDef) edit.Op {
	if len(defs) == 1 && newText == "${"+defs[0].name+"}" {
		return edit.SetScalar{Path: ch.g.path, Value: newText}
	}
	var pairs [][2]string
	for _, d := range defs {
		pairs = append(pairs, [2]string{d.value, "${" + d.name + "}"})
	}
	return edit.Substitute{Path: ch.g.path, Pairs: pairs, Want: newText}
}
