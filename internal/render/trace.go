package render

import (
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// minContained is the shortest secret traced by containment (a password
// inside a connection extra or a pod template string): shorter ones match
// too much by chance.
const minContained = 8

// origin is the values scalar a rendered value came from.
type origin struct {
	path yamltree.Path
	node *yamltree.Node
	doc  int // document index in its user file
}

// user reports a value written in one of the user's files.
func (o origin) user() bool { return o.node.FromUser() }

// loc is where a finding about the value belongs: the user's line, or no
// location (with the chart default's line in Default) for an inherited one.
func (o origin) loc() (loc, def finding.Location) {
	l := finding.Location{File: o.node.Src.Name, Line: o.node.Pos.Line, Col: o.node.Pos.Col, Doc: o.doc}
	if o.user() {
		return l, finding.Location{}
	}
	return finding.Location{}, l
}

// dedupeKey identifies a finding's place the way the scan engine dedupes:
// file, line and column when located, the values path otherwise.
type dedupeKey struct {
	file      string
	line, col int
	path      string
}

func keyOf(f finding.Finding) dedupeKey {
	if f.Loc.IsZero() {
		return dedupeKey{path: f.Path}
	}
	return dedupeKey{file: f.Loc.File, line: f.Loc.Line, col: f.Loc.Col}
}

// tracer maps rendered text back to the values that produced it. Helm
// templates copy values into manifests (often base64-encoded or inside a
// script), so a rendered secret equal to, or contained in, an effective
// values scalar came from that scalar.
type tracer struct {
	exact   map[string][]origin
	strings []origin // every string scalar, for containment
	byPath  map[string]origin
	known   map[dedupeKey]bool
	// eff is the effective values tree and docOf the document index of
	// each user scalar, for checks that read the values' structure.
	eff   *yamltree.Node
	docOf map[*yamltree.Node]int
}

// newTracer indexes the effective values: every document of every user
// file merged in order (as Helm 4 does) over the chart defaults.
func newTracer(files []*yamltree.File, defaults *yamltree.File, known []finding.Finding) (*tracer, error) {
	t := &tracer{exact: map[string][]origin{}, byPath: map[string]origin{}, known: map[dedupeKey]bool{}}
	for _, f := range known {
		t.known[keyOf(f)] = true
	}
	docOf := map[*yamltree.Node]int{}
	var roots []*yamltree.Node
	nodes := 0
	for _, f := range files {
		nodes += f.Nodes
		for _, d := range f.Docs {
			if d.Root != nil && d.Root.Kind == yamltree.Map {
				roots = append(roots, d.Root)
				markDoc(d, docOf)
			}
		}
	}
	var def *yamltree.Node
	if defaults != nil {
		def = defaults.First()
		nodes += defaults.Nodes
	}
	eff := yamltree.Effective(def, roots...)
	t.eff, t.docOf = eff, docOf
	budget := &yamltree.Budget{Left: max(nodes*64, yamltree.DefaultLimits.MaxVisits), File: "values"}
	err := yamltree.Walk(eff, budget, func(c *yamltree.Cursor) bool {
		n := c.Node
		if n.Kind != yamltree.Scalar || n.Value == "" {
			return true
		}
		o := origin{path: c.Path, node: n, doc: docOf[n]}
		t.exact[n.Value] = append(t.exact[n.Value], o)
		t.byPath[c.Path.String()] = o
		if n.Tag == "str" {
			t.strings = append(t.strings, o)
		}
		return true
	})
	return t, err
}

// markDoc records which document of its file each scalar is in (walked
// without a budget: only distinct nodes are visited, as aliases share them).
func markDoc(d *yamltree.Document, docOf map[*yamltree.Node]int) {
	seen := map[*yamltree.Node]bool{}
	var visit func(n *yamltree.Node)
	visit = func(n *yamltree.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		switch n.Kind {
		case yamltree.Scalar:
			docOf[n] = d.Index
		case yamltree.Map:
			for _, e := range n.Entries {
				visit(e.Value)
			}
		case yamltree.Seq:
			for _, it := range n.Items {
				visit(it)
			}
		}
	}
	visit(d.Root)
}

// at returns the effective scalar at a values path.
func (t *tracer) at(path string) (origin, bool) {
	if t == nil {
		return origin{}, false
	}
	o, ok := t.byPath[path]
	return o, ok
}

// isKnown reports that the values scan already reported this scalar.
func (t *tracer) isKnown(o origin) bool {
	l, _ := o.loc()
	k := dedupeKey{file: l.File, line: l.Line, col: l.Col}
	if l.IsZero() {
		k = dedupeKey{path: o.path.String()}
	}
	return t.known[k]
}

// secret finds the values scalar a rendered secret came from: equal to
// it, or (for long enough secrets) containing it. Among candidates, one
// the values scan already reported wins (so the rendered finding is a
// duplicate), then one under a credential key name, then one written by
// the user.
func (t *tracer) secret(s string) (origin, bool) {
	if t == nil || s == "" {
		return origin{}, false
	}
	cands := t.exact[s]
	if len(cands) == 0 && len(s) >= minContained {
		for _, o := range t.strings {
			if strings.Contains(o.node.Value, s) {
				cands = append(cands, o)
			}
		}
	}
	return best(cands, func(o origin) int {
		score := 0
		if t.isKnown(o) {
			score += 8
		}
		if detect.ClassifyKey(o.path.Last()) == detect.Credential {
			score += 4 // a chart default password beats a user's equal username
		}
		if o.user() {
			score += 2
		}
		return score
	})
}

// name finds the values scalar that named a Secret, ConfigMap or key:
// equal text under a key that holds references (passwordSecret,
// existingSecret, name, ...). Other keys that happen to hold the same text
// are not taken for the source.
func (t *tracer) name(s string, wantKey bool) (origin, bool) {
	if t == nil || s == "" {
		return origin{}, false
	}
	var cands []origin
	for _, o := range t.exact[s] {
		if referenceKey(o.path, wantKey) {
			cands = append(cands, o)
		}
	}
	if len(cands) == 0 && len(s) >= 4 {
		// A name written inside a string the chart renders as a whole
		// (a pod template's stringOverride): point at that string.
		word := regexp.MustCompile(`(?m)(name|key|secretName):\s*["']?` + regexp.QuoteMeta(s) + `["']?\s*([,}]|$)`)
		for _, o := range t.strings {
			if o.user() && strings.Contains(o.node.Value, "\n") && strings.Contains(o.node.Value, s) && word.MatchString(o.node.Value) {
				cands = append(cands, o)
			}
		}
	}
	return best(cands, func(o origin) int {
		if o.user() {
			return 1
		}
		return 0
	})
}

// referenceKey reports keys that name a Secret (wantKey false) or a key
// inside one (wantKey true).
func referenceKey(p yamltree.Path, wantKey bool) bool {
	k := strings.ToLower(p.Last())
	if wantKey {
		return k == "key" || strings.HasSuffix(k, "secretkey") || strings.HasSuffix(k, "passwordkey") || strings.HasSuffix(k, "usernamekey")
	}
	return k == "name" || k == "secretname" || strings.HasSuffix(k, "secret") || strings.HasSuffix(k, "secretname")
}

// best returns the highest-scoring candidate, the first among equals.
func best(cands []origin, score func(origin) int) (origin, bool) {
	if len(cands) == 0 {
		return origin{}, false
	}
	top, topScore := cands[0], score(cands[0])
	for _, o := range cands[1:] {
		if s := score(o); s > topScore {
			top, topScore = o, s
		}
	}
	return top, true
}
