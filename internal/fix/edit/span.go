package edit

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// span is a half-open byte range of the original text.
type span struct{ start, end int }

// nodeStart is the offset of a node's first character (its anchor or tag
// when it has one: yaml positions point there).
func (t *text) nodeStart(n *yaml.Node) (int, error) {
	off := t.offset(n.Line, n.Column)
	if off < 0 {
		return 0, fmt.Errorf("position %d:%d is outside the file", n.Line, n.Column)
	}
	return off, nil
}

// skipProperties moves past `&anchor` and `!tag` properties and the
// spaces after them, so the offset points at the scalar text itself.
func (t *text) skipProperties(off int) int {
	for off < len(t.data) && (t.data[off] == '&' || t.data[off] == '!') {
		if t.data[off] == '!' && off+1 < len(t.data) && t.data[off+1] == '<' {
			for off < len(t.data) && t.data[off] != '>' {
				off++
			}
		}
		for off < len(t.data) && !isBlank(t.data[off]) {
			off++
		}
		for off < len(t.data) && (t.data[off] == ' ' || t.data[off] == '\t') {
			off++
		}
	}
	return off
}

func isBlank(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// scalarSpan returns the bytes of a scalar's text, without its properties.
// flow says the scalar sits in a flow collection, where `,]}` end a plain
// scalar. The span is checked against the parsed value where the style
// makes that cheap (plain and quoted scalars on one line).
func (t *text) scalarSpan(n *yaml.Node, flow bool) (span, error) {
	off, err := t.nodeStart(n)
	if err != nil {
		return span{}, err
	}
	off = t.skipProperties(off)
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		return t.quotedSpan(off, '"')
	case n.Style&yaml.SingleQuotedStyle != 0:
		return t.quotedSpan(off, '\'')
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		return t.blockScalarSpan(off)
	}
	return t.plainSpan(n, off, flow)
}

func (t *text) plainSpan(n *yaml.Node, off int, flow bool) (span, error) {
	end := t.lineEnd(off)
	line := string(t.data[off:end])
	cut := len(line)
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c == '#' && i > 0 && (line[i-1] == ' ' || line[i-1] == '\t') {
			cut = i
			break
		}
		if flow && (c == ',' || c == ']' || c == '}') {
			cut = i
			break
		}
		if c == ':' && (i+1 == len(line) || line[i+1] == ' ' || flow && line[i+1] == ',') {
			cut = i
			break
		}
	}
	txt := strings.TrimRight(line[:cut], " \t")
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" && txt == "" {
		return span{off, off}, nil
	}
	if txt != n.Value {
		return span{}, fmt.Errorf("line %d: a plain scalar that spans several lines cannot be edited safely", n.Line)
	}
	return span{off, off + len(txt)}, nil
}

// quotedSpan finds the closing quote; single quotes escape by doubling,
// double quotes with a backslash. Quoted scalars may span lines.
func (t *text) quotedSpan(off int, q byte) (span, error) {
	if off >= len(t.data) || t.data[off] != q {
		return span{}, fmt.Errorf("line %d: expected a quoted scalar", t.lineOf(off)+1)
	}
	for i := off + 1; i < len(t.data); i++ {
		switch {
		case q == '"' && t.data[i] == '\\':
			i++
		case t.data[i] == q && q == '\'' && i+1 < len(t.data) && t.data[i+1] == '\'':
			i++
		case t.data[i] == q:
			return span{off, i + 1}, nil
		}
	}
	return span{}, fmt.Errorf("line %d: unterminated quoted scalar", t.lineOf(off)+1)
}

// blockScalarSpan covers a `|` or `>` scalar from its indicator to the end
// of its last non-blank content line. Trailing blank lines stay outside:
// after an edit they are plain blank lines. Content lines are the ones
// indented deeper than the header line; the first of them sets the
// content indentation (verification after the splice catches the rare
// layouts this reading gets wrong).
func (t *text) blockScalarSpan(off int) (span, error) {
	parent := t.indentOf(off)
	end := t.lineEnd(off)
	indent := -1
	for ls := t.nextLine(off); ls < len(t.data); ls = t.nextLine(ls) {
		le := t.lineEnd(ls)
		content := strings.TrimLeft(string(t.data[ls:le]), " ")
		ind := le - ls - len(content)
		if strings.TrimSpace(content) == "" {
			continue
		}
		if indent < 0 {
			if ind <= parent {
				break
			}
			indent = ind
		}
		if ind < indent {
			break
		}
		end = le
	}
	return span{off, end}, nil
}

// flowSpan finds the bracket that closes the flow collection at off,
// skipping quoted scalars and comments.
func (t *text) flowSpan(off int) (span, error) {
	depth := 0
	for i := off; i < len(t.data); i++ {
		switch c := t.data[i]; c {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return span{off, i + 1}, nil
			}
		case '"', '\'':
			s, err := t.quotedSpan(i, c)
			if err != nil {
				return span{}, err
			}
			i = s.end - 1
		case '#':
			if i > 0 && isBlank(t.data[i-1]) {
				i = t.lineEnd(i) - 1
			}
		}
	}
	return span{}, fmt.Errorf("line %d: unterminated flow collection", t.lineOf(off)+1)
}

// nodeEnd is the offset just past the last character of a node, found
// through its last descendant.
func (t *text) nodeEnd(n *yaml.Node, flow bool) (int, error) {
	switch n.Kind {
	case yaml.ScalarNode:
		s, err := t.scalarSpan(n, flow)
		return s.end, err
	case yaml.AliasNode:
		off, err := t.nodeStart(n)
		if err != nil {
			return 0, err
		}
		return off + 1 + len(n.Value), nil
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 {
			off, err := t.nodeStart(n)
			if err != nil {
				return 0, err
			}
			s, err := t.flowSpan(t.skipProperties(off))
			return s.end, err
		}
		if len(n.Content) == 0 {
			off, err := t.nodeStart(n)
			return off, err
		}
		return t.nodeEnd(n.Content[len(n.Content)-1], false)
	}
	return 0, fmt.Errorf("line %d: unsupported node", n.Line)
}
