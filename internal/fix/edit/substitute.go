package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Substitute replaces parts of the scalar at Path where they are written,
// so the rest of the scalar (a block scalar's lines, a URL's host) keeps
// its layout: each Old must occur exactly once in the scalar's source and
// in its value. The scalar must then read as Want; when a part is not
// written verbatim (escapes, folding) the whole scalar is rewritten as
// Want instead.
type Substitute struct {
	Path  yamltree.Path
	Pairs [][2]string // Old, New
	Want  string
}

func (o Substitute) touched() []yamltree.Path { return []yamltree.Path{o.Path} }
func (o Substitute) soft() []yamltree.Path    { return nil }
func (o Substitute) check(root *yamltree.Node) bool {
	return Str(o.Want).matches(root.At(o.Path))
}

func (c *compiler) substitute(o Substitute) error {
	l, err := c.d.locate(o.Path)
	if err != nil {
		return err
	}
	if !l.complete() || l.node.Kind != yaml.ScalarNode {
		return c.d.refuse(lineOf(l), "%s is not a scalar in this file", o.Path)
	}
	s, err := c.d.t.scalarSpan(l.node, l.flow)
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	raw := string(c.d.t.data[s.start:s.end])
	var parts []splice
	for _, p := range o.Pairs {
		i := strings.Index(raw, p[0])
		if p[0] == "" || i < 0 || strings.Count(raw, p[0]) != 1 || strings.Count(l.node.Value, p[0]) != 1 ||
			strings.ContainsAny(p[0], "\n\\'\"") || l.flow && strings.ContainsAny(p[1], "{}[],") {
			return c.replaceScalar(l, o.Want)
		}
		parts = append(parts, splice{start: s.start + i, end: s.start + i + len(p[0]), text: p[1]})
	}
	for _, p := range parts {
		c.add(p.start, p.end, p.text)
	}
	return nil
}
