package edit

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// ErrRefused is wrapped by every Refusal.
var ErrRefused = errors.New("cannot edit safely")

// Refusal explains why a file was left untouched.
type Refusal struct {
	File   string
	Line   int
	Reason string
}

func (r *Refusal) Error() string {
	if r.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", r.File, r.Line, r.Reason)
	}
	return fmt.Sprintf("%s: %s", r.File, r.Reason)
}

// Unwrap makes errors.Is(err, ErrRefused) work.
func (r *Refusal) Unwrap() error { return ErrRefused }

// Doc is one values file ready for editing. Only its first YAML document
// (the one Helm merges) is edited; later documents must stay identical.
type Doc struct {
	name    string
	t       *text
	root    *yaml.Node // content of the first document; nil when it is empty
	aliased map[*yaml.Node]bool
}

// Parse reads the concrete syntax of data. name is used in refusals.
func Parse(name string, data []byte) (*Doc, error) {
	d := &Doc{name: name, t: newText(data), aliased: map[*yaml.Node]bool{}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for i := 0; ; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, &Refusal{File: name, Reason: "malformed YAML: " + err.Error()}
		}
		markAliases(&n, d.aliased, map[*yaml.Node]bool{})
		if i == 0 && len(n.Content) > 0 {
			d.root = n.Content[0]
		}
	}
	return d, nil
}

func markAliases(n *yaml.Node, aliased, seen map[*yaml.Node]bool) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		aliased[n.Alias] = true
		return
	}
	for _, c := range n.Content {
		markAliases(c, aliased, seen)
	}
}

func (d *Doc) refuse(line int, format string, a ...any) error {
	return &Refusal{File: d.name, Line: line, Reason: fmt.Sprintf(format, a...)}
}

// located is the concrete syntax at a values path.
type located struct {
	path   yamltree.Path
	depth  int        // how many path elements exist in the file
	node   *yaml.Node // the value at path[:depth]
	key    *yaml.Node // its key when it is a mapping value
	parent *yaml.Node // the collection holding node
	flow   bool       // node sits inside a flow collection
}

// complete reports whether the whole path exists.
func (l *located) complete() bool { return l.depth == len(l.path) }

// locate walks path through the first document. It stops at the first
// missing key, refuses paths that go through an alias, a merge key or an
// anchor that an alias elsewhere shares (an edit there would change every
// use), and reports how far it got.
func (d *Doc) locate(p yamltree.Path) (*located, error) {
	l := &located{path: p, node: d.root}
	if d.root == nil {
		return l, nil
	}
	if err := d.shared(d.root); err != nil {
		return nil, err
	}
	for _, e := range p {
		cur := l.node
		var next, key *yaml.Node
		switch {
		case cur.Kind == yaml.AliasNode:
			return nil, d.refuse(cur.Line, "%s is an alias (*%s): editing it would change the anchored value everywhere it is used", p[:l.depth], cur.Value)
		case e.IsIndex && cur.Kind == yaml.SequenceNode:
			if e.Index < len(cur.Content) {
				next = cur.Content[e.Index]
			}
		case !e.IsIndex && cur.Kind == yaml.MappingNode:
			if dupKey(cur, e.Key) {
				return nil, d.refuse(cur.Line, "%s appears more than once in the same mapping; remove the duplicate first", p[:l.depth+1])
			}
			var merged bool
			key, next, merged = mapGet(cur, e.Key)
			if merged {
				return nil, d.refuse(cur.Line, "%s comes from a << merge key: editing it would change the anchored mapping everywhere it is merged", p[:l.depth+1])
			}
		case cur.Kind == yaml.ScalarNode && cur.Tag == "!!null":
			return l, nil
		default:
			return nil, d.refuse(cur.Line, "%s is not a %s", p[:l.depth], map[bool]string{true: "list", false: "mapping"}[e.IsIndex])
		}
		if next == nil {
			return l, nil
		}
		if err := d.shared(next); err != nil {
			return nil, err
		}
		l.parent, l.key, l.node = cur, key, next
		l.flow = cur.Style&yaml.FlowStyle != 0
		l.depth++
	}
	return l, nil
}

// shared refuses nodes whose anchor an alias refers to.
func (d *Doc) shared(n *yaml.Node) error {
	if n.Anchor != "" && d.aliased[n] {
		return d.refuse(n.Line, "the value anchored as &%s is also used through an alias: editing it would change every use", n.Anchor)
	}
	if n.Kind == yaml.AliasNode {
		return d.refuse(n.Line, "the value is an alias (*%s): editing it would change the anchored value everywhere it is used", n.Value)
	}
	return nil
}

// mapGet finds key in a mapping (the last duplicate wins, as in Helm);
// merged reports a key that only a << merge provides.
func mapGet(m *yaml.Node, key string) (k, v *yaml.Node, merged bool) {
	hasMerge := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		kn := m.Content[i]
		if kn.Tag == "!!merge" {
			hasMerge = true
			continue
		}
		if kn.Kind == yaml.ScalarNode && kn.Value == key {
			k, v = kn, m.Content[i+1]
		}
	}
	if v == nil && hasMerge && mergeProvides(m, key) {
		return nil, nil, true
	}
	return k, v, false
}

func mergeProvides(m *yaml.Node, key string) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag != "!!merge" {
			continue
		}
		src := m.Content[i+1]
		if src.Kind == yaml.AliasNode {
			src = src.Alias
		}
		srcs := []*yaml.Node{src}
		if src != nil && src.Kind == yaml.SequenceNode {
			srcs = src.Content
		}
		for _, s := range srcs {
			if s != nil && s.Kind == yaml.AliasNode {
				s = s.Alias
			}
			if s == nil || s.Kind != yaml.MappingNode {
				continue
			}
			if _, v, merged := mapGet(s, key); v != nil || merged {
				return true
			}
		}
	}
	return false
}

// explicitKeys counts a mapping's own entries (merge keys excluded).
func explicitKeys(m *yaml.Node) (n int, hasMerge bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Tag == "!!merge" {
			hasMerge = true
			continue
		}
		n++
	}
	return n, hasMerge
}

// dupKey reports a key written twice in one mapping: which one a path
// means depends on the reader, so airlock does not edit there.
func dupKey(m *yaml.Node, key string) bool {
	n := 0
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; k.Kind == yaml.ScalarNode && k.Tag != "!!merge" && k.Value == key {
			n++
		}
	}
	return n > 1
}
