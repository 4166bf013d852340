package edit

import (
	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// merge makes the mapping at p contain v's entries.
func (c *compiler) merge(p yamltree.Path, v Frag) error {
	if !v.IsMap() {
		return c.d.refuse(0, "internal: merge needs a mapping")
	}
	l, err := c.d.locate(p)
	if err != nil {
		return err
	}
	if !l.complete() {
		// Wrap v in the missing keys and merge that where the file stops.
		for i := len(p) - 1; i >= l.depth; i-- {
			if p[i].IsIndex {
				return c.d.refuse(lineOf(l), "%s does not exist and cannot be created", p[:i+1])
			}
			v = Map(p[i].Key, v)
		}
		p = p[:l.depth]
	}
	n := l.node
	switch {
	case n == nil:
		return c.appendToEmptyFile(v)
	case isNull(n):
		return c.fillNull(l, v)
	case n.Kind != yaml.MappingNode:
		return c.d.refuse(n.Line, "%s is not a mapping", p)
	}
	var missing Frag = Map()
	keys, vals := v.Entries()
	for i, k := range keys {
		_, existing, merged := mapGet(n, k)
		switch {
		case merged:
			return c.d.refuse(n.Line, "%s comes from a << merge key; edit it by hand", p.Key(k))
		case existing == nil:
			missing = missing.With(k, vals[i])
		case isNull(existing) && vals[i].kind != fragScalar:
			el, err := c.d.locate(p.Key(k))
			if err != nil {
				return err
			}
			if err := c.fillNull(el, vals[i]); err != nil {
				return err
			}
		case vals[i].IsMap():
			if err := c.merge(p.Key(k), vals[i]); err != nil {
				return err
			}
		case vals[i].kind == fragScalar && existing.Kind == yaml.ScalarNode:
			el, err := c.d.locate(p.Key(k))
			if err != nil {
				return err
			}
			if err := c.replaceScalar(el, vals[i].text); err != nil {
				return err
			}
		default:
			return c.d.refuse(existing.Line, "%s already holds a different kind of value", p.Key(k))
		}
	}
	if len(missing.keys) == 0 {
		return nil
	}
	return c.insertEntries(l, missing)
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// insertEntries adds entries to an existing mapping.
func (c *compiler) insertEntries(l *located, v Frag) error {
	n := l.node
	if n.Style&yaml.FlowStyle != 0 {
		if len(n.Content) == 0 && !l.flow && l.key != nil {
			return c.replaceEmptyFlow(l, v)
		}
		return c.insertFlow(l, v.flowEntries())
	}
	first := n.Content[0]
	if first.Tag == "!!merge" && len(n.Content) > 2 {
		first = n.Content[2]
	}
	start, err := c.d.t.nodeStart(first)
	if err != nil {
		return c.d.refuse(n.Line, "%v", err)
	}
	indent := c.indentBefore(start)
	if indent < 0 {
		return c.d.refuse(first.Line, "unexpected text before the key %q", first.Value)
	}
	end, err := c.d.t.nodeEnd(n, false)
	if err != nil {
		return c.d.refuse(n.Line, "%v", err)
	}
	c.insertLines(end, v.block(indent, ""))
	return nil
}

// insertLines inserts whole lines after the line holding off.
func (c *compiler) insertLines(off int, lines []string) {
	at := c.d.t.nextLine(off)
	eol := c.d.t.eolAt(off)
	text := c.blockLines(lines, off) + eol
	if at == len(c.d.t.data) && (at == 0 || c.d.t.data[at-1] != '\n') {
		text = eol + c.blockLines(lines, off)
		if at == 0 {
			text = c.blockLines(lines, off) + eol
		}
	}
	c.add(at, at, text)
}

// flowEntries renders a mapping's entries for a flow mapping.
func (f Frag) flowEntries() string {
	s := f.flow()
	return s[1 : len(s)-1]
}

// insertFlow adds text before the closing bracket of a flow collection,
// or turns an empty one in block context into a block collection.
func (c *compiler) insertFlow(l *located, items string) error {
	n := l.node
	start, err := c.d.t.nodeStart(n)
	if err != nil {
		return c.d.refuse(n.Line, "%v", err)
	}
	s, err := c.d.t.flowSpan(c.d.t.skipProperties(start))
	if err != nil {
		return c.d.refuse(n.Line, "%v", err)
	}
	sep := ", "
	if len(n.Content) == 0 {
		sep = ""
	}
	c.add(s.end-1, s.end-1, sep+items)
	return nil
}

// fillNull gives a key with no value (`key:` or `key: null`) a block
// mapping or list on the following lines.
func (c *compiler) fillNull(l *located, v Frag) error {
	if l.key == nil || l.flow {
		if l.key == nil && l.parent == nil {
			return c.appendToEmptyFile(v)
		}
		return c.d.refuse(l.node.Line, "%s is null inside a flow collection; edit it by hand", l.path[:l.depth])
	}
	keyStart, err := c.d.t.nodeStart(l.key)
	if err != nil {
		return c.d.refuse(l.key.Line, "%v", err)
	}
	indent := c.indentBefore(keyStart)
	if indent < 0 {
		return c.d.refuse(l.key.Line, "unexpected text before the key %q", l.key.Value)
	}
	keyEnd := c.keyEnd(l.key)
	s, err := c.d.t.scalarSpan(l.node, false)
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	if s.end < keyEnd || c.d.t.lineOf(s.end) != c.d.t.lineOf(keyEnd) {
		return c.d.refuse(l.node.Line, "the null value of %q is not on its key's line", l.key.Value)
	}
	// Lists under a key keep the chart docs' style: dashes indented.
	lines := v.block(indent+2, "")
	c.add(keyEnd, c.d.t.lineEnd(s.end), c.trailing(s.end)+c.d.t.eolAt(s.end)+c.blockLines(lines, s.end))
	return nil
}

// appendToEmptyFile writes v as the first document's content when the
// file has none (empty, or only comments).
func (c *compiler) appendToEmptyFile(v Frag) error {
	if c.d.root != nil && !isNull(c.d.root) {
		return c.d.refuse(c.d.root.Line, "the document is not a mapping")
	}
	if c.d.root != nil && isNull(c.d.root) && c.d.root.Value != "" {
		return c.d.refuse(c.d.root.Line, "the document is an explicit null")
	}
	end := len(c.d.t.data)
	text := c.blockLines(v.block(0, ""), end) + c.d.t.eol
	if end > 0 && c.d.t.data[end-1] != '\n' {
		text = c.d.t.eol + text
	}
	c.add(end, end, text)
	return nil
}

// appendItems adds list items, creating the list when needed.
func (c *compiler) appendItems(o *Append) error {
	l, err := c.d.locate(o.Path)
	if err != nil {
		return err
	}
	seq := Seq(o.Items...)
	if !l.complete() || isNull(l.node) {
		if len(o.Path) == 0 || o.Path[len(o.Path)-1].IsIndex {
			return c.d.refuse(lineOf(l), "%s cannot be created", o.Path)
		}
		if l.complete() {
			return c.fillNull(l, seq)
		}
		return c.merge(o.Path.Parent(), Map(o.Path.Last(), seq))
	}
	n := l.node
	if n.Kind != yaml.SequenceNode {
		return c.d.refuse(n.Line, "%s is not a list", o.Path)
	}
	o.before = len(n.Content)
	if n.Style&yaml.FlowStyle != 0 {
		if len(n.Content) == 0 && !l.flow && l.key != nil {
			return c.replaceEmptyFlow(l, seq)
		}
		s := seq.flow()
		return c.insertFlow(l, s[1:len(s)-1])
	}
	last := n.Content[len(n.Content)-1]
	start, err := c.d.t.nodeStart(last)
	if err != nil {
		return c.d.refuse(n.Line, "%v", err)
	}
	dash := c.dashBefore(start)
	if dash < 0 {
		return c.d.refuse(last.Line, "cannot find the list dash of the item at line %d", last.Line)
	}
	end, err := c.d.t.nodeEnd(n, false)
	if err != nil {
		return c.d.refuse(n.Line, "%v", err)
	}
	c.insertLines(end, seq.block(dash, ""))
	return nil
}

// dashBefore returns the column of the "- " that introduces the item
// starting at off, or -1.
func (c *compiler) dashBefore(off int) int {
	s := c.d.t.lineStart(off)
	for i := off - 1; i >= s; i-- {
		switch c.d.t.data[i] {
		case ' ':
		case '-':
			if c.indentBefore(i) >= 0 {
				return i - s
			}
			return -1
		default:
			return -1
		}
	}
	return -1
}

// replaceEmptyFlow turns `key: []` or `key: {}` into a block collection.
func (c *compiler) replaceEmptyFlow(l *located, v Frag) error {
	keyStart, err := c.d.t.nodeStart(l.key)
	if err != nil {
		return c.d.refuse(l.key.Line, "%v", err)
	}
	indent := c.indentBefore(keyStart)
	if indent < 0 {
		return c.d.refuse(l.key.Line, "unexpected text before the key %q", l.key.Value)
	}
	start, err := c.d.t.nodeStart(l.node)
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	s, err := c.d.t.flowSpan(c.d.t.skipProperties(start))
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	if c.d.t.lineOf(s.start) != c.d.t.lineOf(keyStart) {
		return c.d.refuse(l.node.Line, "the empty collection of %q is not on its key's line", l.key.Value)
	}
	keyEnd := c.keyEnd(l.key)
	lines := v.block(indent+2, "")
	c.add(keyEnd, c.d.t.lineEnd(s.end), c.trailing(s.end)+c.d.t.eolAt(s.end)+c.blockLines(lines, s.end))
	return nil
}
