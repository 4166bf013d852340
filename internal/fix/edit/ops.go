package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Op is one change to a values file.
type Op interface {
	// touched lists the values paths whose content the op may change
	// (with everything below them), and soft the paths whose own leaf may
	// change because an empty or null collection there gains content;
	// verification requires everything else to stay identical.
	touched() []yamltree.Path
	soft() []yamltree.Path
	// check verifies the op's intended result in the re-parsed document.
	check(root *yamltree.Node) bool
}

// SetScalar replaces the scalar at Path with Value, keeping its quoting
// style where the new value allows it.
type SetScalar struct {
	Path  yamltree.Path
	Value string
}

// DeleteKey removes a mapping entry. When it removes the last entry the
// mapping becomes `{}` (an empty mapping, not null: Helm would drop a
// null and the chart's templates read the key).
type DeleteKey struct {
	Path yamltree.Path
}

// ReplaceEntry replaces the entry at Path (key and value) by Key: Value,
// e.g. `value: x` by `valueFrom: {secretKeyRef: ...}`.
type ReplaceEntry struct {
	Path  yamltree.Path
	Key   string
	Value Frag
}

// Merge makes the mapping at Path contain Value's entries, creating the
// mapping and its parents when they are missing. An existing scalar entry
// is replaced; an existing mapping entry is merged into.
type Merge struct {
	Path  yamltree.Path
	Value Frag
}

// Append adds Items to the end of the list at Path, creating the list when
// it is missing or null.
type Append struct {
	Path  yamltree.Path
	Items []Frag
	// before is the list's length in the original file, set while compiling.
	before int
}

func (o SetScalar) touched() []yamltree.Path { return []yamltree.Path{o.Path} }
func (o DeleteKey) touched() []yamltree.Path { return []yamltree.Path{o.Path} }
func (o ReplaceEntry) touched() []yamltree.Path {
	return []yamltree.Path{o.Path, o.Path.Parent().Key(o.Key)}
}
func (o Merge) touched() []yamltree.Path { return o.Value.leafPaths(o.Path, nil) }
func (o *Append) touched() []yamltree.Path {
	out := make([]yamltree.Path, 0, len(o.Items))
	for i := range o.Items {
		out = append(out, o.Path.Index(o.before+i))
	}
	return out
}

func (o SetScalar) soft() []yamltree.Path    { return nil }
func (o ReplaceEntry) soft() []yamltree.Path { return nil }

// A mapping whose last key goes becomes `{}`.
func (o DeleteKey) soft() []yamltree.Path { return []yamltree.Path{o.Path.Parent()} }

// Created or filled parents change from absent, null or empty.
func (o Merge) soft() []yamltree.Path {
	return append(prefixes(o.Path), o.Value.mapPaths(o.Path, nil)...)
}
func (o *Append) soft() []yamltree.Path { return prefixes(o.Path) }

func prefixes(p yamltree.Path) []yamltree.Path {
	out := make([]yamltree.Path, 0, len(p)+1)
	for i := 0; i <= len(p); i++ {
		out = append(out, p[:i])
	}
	return out
}

func (o SetScalar) check(root *yamltree.Node) bool { return Str(o.Value).matches(root.At(o.Path)) }
func (o DeleteKey) check(root *yamltree.Node) bool {
	parent := root.At(o.Path.Parent())
	return parent != nil && parent.Kind == yamltree.Map && !parent.Has(o.Path.Last())
}
func (o ReplaceEntry) check(root *yamltree.Node) bool {
	parent := root.At(o.Path.Parent())
	return parent != nil && !parent.Has(o.Path.Last()) && o.Value.matches(parent.Get(o.Key))
}
func (o Merge) check(root *yamltree.Node) bool { return o.Value.matches(root.At(o.Path)) }
func (o *Append) check(root *yamltree.Node) bool {
	n := root.At(o.Path)
	if n == nil || n.Kind != yamltree.Seq || len(n.Items) != o.before+len(o.Items) {
		return false
	}
	for i, it := range o.Items {
		if !it.matches(n.Items[o.before+i]) {
			return false
		}
	}
	return true
}

// splice replaces original bytes [start,end) by text. Inserts (start ==
// end) at one offset keep the order of the ops that made them.
type splice struct {
	start, end int
	text       string
	seq        int
}

// compiler turns ops into splices for one document.
type compiler struct {
	d       *Doc
	splices []splice
	// deleted counts DeleteKey ops per mapping, to turn the removal of a
	// mapping's last entries into `{}`.
	deleted map[*yaml.Node]int
}

func (c *compiler) add(start, end int, text string) {
	c.splices = append(c.splices, splice{start: start, end: end, text: text, seq: len(c.splices)})
}

// indentBefore returns the column (in bytes, which equals characters:
// only spaces and "- " may precede a block key) of off, or -1 when
// something else precedes it on its line.
func (c *compiler) indentBefore(off int) int {
	s := c.d.t.lineStart(off)
	for i := s; i < off; i++ {
		if b := c.d.t.data[i]; b != ' ' && b != '-' {
			return -1
		}
	}
	return off - s
}

// trailing returns the text after off up to the end of its line (spaces
// and a comment), which a replacement that ends a line must carry along.
func (c *compiler) trailing(off int) string {
	return string(c.d.t.data[off:c.d.t.lineEnd(off)])
}

// blockLines joins rendered lines with the line break in use at off.
func (c *compiler) blockLines(lines []string, off int) string {
	return strings.Join(lines, c.d.t.eolAt(off))
}

// leafPaths lists the paths of a fragment's scalars and lists.
func (f Frag) leafPaths(at yamltree.Path, out []yamltree.Path) []yamltree.Path {
	if f.kind != fragMap {
		return append(out, at)
	}
	for i, k := range f.keys {
		out = f.vals[i].leafPaths(at.Key(k), out)
	}
	return out
}

// mapPaths lists the paths of a fragment's mappings below at.
func (f Frag) mapPaths(at yamltree.Path, out []yamltree.Path) []yamltree.Path {
	for i, k := range f.keys {
		if f.vals[i].kind == fragMap {
			out = append(out, at.Key(k))
			out = f.vals[i].mapPaths(at.Key(k), out)
		}
	}
	return out
}
