package edit

import (
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

func (c *compiler) compile(op Op) error {
	switch o := op.(type) {
	case SetScalar:
		return c.setScalar(o)
	case DeleteKey:
		return c.deleteKey(o)
	case ReplaceEntry:
		return c.replaceEntry(o)
	case Merge:
		return c.merge(o.Path, o.Value)
	case *Append:
		return c.appendItems(o)
	case Substitute:
		return c.substitute(o)
	}
	return c.d.refuse(0, "unknown edit %T", op)
}

func (c *compiler) setScalar(o SetScalar) error {
	l, err := c.d.locate(o.Path)
	if err != nil {
		return err
	}
	if !l.complete() || l.node.Kind != yaml.ScalarNode {
		return c.d.refuse(lineOf(l), "%s is not a scalar in this file", o.Path)
	}
	return c.replaceScalar(l, o.Value)
}

// replaceScalar swaps the scalar's text, keeping anchors and tags before
// it and the quoting style when it still reads back as the same string.
func (c *compiler) replaceScalar(l *located, value string) error {
	s, err := c.d.t.scalarSpan(l.node, l.flow)
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	text := Quote(value, l.flow)
	switch {
	case l.node.Style&yaml.SingleQuotedStyle != 0 && !strings.ContainsAny(value, "\n"):
		text = SingleQuote(value)
	case l.node.Style&yaml.DoubleQuotedStyle != 0 && !strings.HasPrefix(text, `"`):
		text = `"` + text + `"`
	}
	if s.start == s.end && s.start > 0 && c.d.t.data[s.start-1] == ':' {
		text = " " + text // an empty value right after the colon
	}
	c.add(s.start, s.end, text)
	return nil
}

func (c *compiler) deleteKey(o DeleteKey) error {
	l, err := c.d.locate(o.Path)
	if err != nil {
		return err
	}
	if !l.complete() || l.key == nil {
		return c.d.refuse(lineOf(l), "%s is not a key in this file", o.Path)
	}
	if l.flow {
		return c.d.refuse(l.key.Line, "%s is in a flow mapping ({...}); airlock edits block mappings only", o.Path)
	}
	keyStart, err := c.d.t.nodeStart(l.key)
	if err != nil {
		return c.d.refuse(l.key.Line, "%v", err)
	}
	if !c.d.t.onlySpaceBefore(keyStart) {
		return c.d.refuse(l.key.Line, "%s shares its line with a list dash or another node; remove it by hand", o.Path)
	}
	end, err := c.d.t.nodeEnd(l.node, false)
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	n, hasMerge := explicitKeys(l.parent)
	c.deleted[l.parent]++
	if c.deleted[l.parent] < n || hasMerge {
		c.add(c.d.t.lineStart(keyStart), c.d.t.nextLine(end), "")
		return nil
	}
	return c.emptyMapping(o.Path.Parent(), l.parent)
}

// emptyMapping replaces every entry of a block mapping by `{}` on its
// key's line; it supersedes the per-entry deletions already recorded.
func (c *compiler) emptyMapping(p yamltree.Path, m *yaml.Node) error {
	pl, err := c.d.locate(p)
	if err != nil {
		return err
	}
	if pl.key == nil || pl.flow {
		return c.d.refuse(m.Line, "removing every key of %s would leave no mapping; edit it by hand", p)
	}
	keyEnd := c.keyEnd(pl.key)
	end, err := c.d.t.nodeEnd(m, false)
	if err != nil {
		return c.d.refuse(m.Line, "%v", err)
	}
	kept := c.splices[:0]
	first := c.d.t.lineStart(c.mustStart(m))
	for _, s := range c.splices {
		if s.start < first || s.start >= c.d.t.nextLine(end) {
			kept = append(kept, s)
		}
	}
	c.splices = kept
	c.add(keyEnd, c.d.t.lineEnd(end), " {}")
	return nil
}

func (c *compiler) mustStart(n *yaml.Node) int {
	off, _ := c.d.t.nodeStart(n)
	return off
}

// keyEnd is the offset just past a key's colon.
func (c *compiler) keyEnd(key *yaml.Node) int {
	s, err := c.d.t.scalarSpan(key, false)
	off := s.end
	if err != nil {
		off = c.mustStart(key) + len(key.Value)
	}
	for off < len(c.d.t.data) && c.d.t.data[off] != ':' && c.d.t.data[off] != '\n' {
		off++
	}
	if off < len(c.d.t.data) && c.d.t.data[off] == ':' {
		off++
	}
	return off
}

func (c *compiler) replaceEntry(o ReplaceEntry) error {
	l, err := c.d.locate(o.Path)
	if err != nil {
		return err
	}
	if !l.complete() || l.key == nil {
		return c.d.refuse(lineOf(l), "%s is not a key in this file", o.Path)
	}
	keyStart, err := c.d.t.nodeStart(l.key)
	if err != nil {
		return c.d.refuse(l.key.Line, "%v", err)
	}
	end, err := c.d.t.nodeEnd(l.node, l.flow)
	if err != nil {
		return c.d.refuse(l.node.Line, "%v", err)
	}
	if l.flow {
		c.add(keyStart, end, quoteKey(o.Key)+": "+o.Value.flowIn())
		return nil
	}
	indent := c.indentBefore(keyStart)
	if indent < 0 {
		return c.d.refuse(l.key.Line, "%s: unexpected text before the key", o.Path)
	}
	if o.Value.kind == fragScalar || o.Value.empty() {
		c.add(keyStart, end, quoteKey(o.Key)+": "+o.Value.flow())
		return nil
	}
	lines := append([]string{quoteKey(o.Key) + ":" + c.trailing(end)}, o.Value.block(indent+2, "")...)
	c.add(keyStart, c.d.t.lineEnd(end), c.blockLines(lines, end))
	return nil
}

func lineOf(l *located) int {
	if l.node != nil {
		return l.node.Line
	}
	return 0
}
