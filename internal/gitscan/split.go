package gitscan

import (
	"bytes"
)

// piece is a section of a values file cut out for scanning on its own:
// a top-level entry, or an entry of a large top-level mapping such as
// airflow:, with the comments above it.
type piece struct {
	parent string   // the top-level key it belongs to; "" for top-level pieces
	start  int      // its first line in the file (1-based)
	indent int      // columns its text is shifted right by in the file
	lines  [][]byte // its lines as in the file (subslices of the blob)
	// Byte offsets in the file: where the piece starts (its comments
	// included), where its key line ends, where it ends.
	from, keyEnd, to int
}

// sum hashes the piece's text as it parses on its own (dedented) without
// building it: most pieces were seen before and are never parsed again.
func (p piece) sum(s seeds) digest {
	h := s.hasher()
	for _, l := range p.lines {
		h.write(dedent(l, p.indent))
	}
	return h.sum()
}

// text builds the dedented text.
func (p piece) text() []byte {
	n := 0
	for _, l := range p.lines {
		n += len(l)
	}
	out := make([]byte, 0, n)
	for _, l := range p.lines {
		out = append(out, dedent(l, p.indent)...)
	}
	return out
}

// dedent drops up to n leading spaces.
func dedent(l []byte, n int) []byte {
	i := 0
	for i < n && i < len(l) && l[i] == ' ' {
		i++
	}
	return l[i:]
}

// splitMin is the size (in lines) from which a top-level entry is cut into
// its own entries: small ones are cheaper to scan whole.
const splitMin = 12

// splitPieces cuts a file into pieces, or returns nil when it cannot do
// so exactly: the file must be one document whose root is a block mapping
// of simple keys, without anchors, aliases or merge keys (they tie
// sections to each other) and without CRLF or a byte order mark.
func splitPieces(data []byte) []piece {
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) || bytes.IndexByte(data, '\r') >= 0 || mayHaveAnchors(data) {
		return nil
	}
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	top, ok := cut(lines, 0)
	if !ok || len(top) < 2 {
		return nil
	}
	off := make([]int, len(lines)+1)
	for i, l := range lines {
		off[i+1] = off[i] + len(l)
	}
	out := make([]piece, 0, 2*len(top))
	for k, s := range top {
		end := len(lines)
		if k+1 < len(top) {
			end = top[k+1].from
		}
		if kids := children(lines, s, end); kids != nil {
			for _, c := range kids {
				// c.start is 1-based; its key line is the first line of
				// the piece that is neither blank nor a comment.
				c.from, c.to = off[c.start-1], off[c.start-1+len(c.lines)]
				c.keyEnd = off[c.start-1+keyIndex(c.lines)+1]
				out = append(out, c)
			}
			continue
		}
		out = append(out, piece{start: s.from + 1, lines: lines[s.from:end], from: off[s.from], keyEnd: off[s.key+1], to: off[end]})
	}
	return out
}

// span is a section found by cut: it starts at line index from (its
// comments included) and its key line is at index key.
type span struct{ from, key int }

// cut finds the sections of lines at indentation indent: each starts with
// the comments and blank lines above a key line at that indentation.
func cut(lines [][]byte, indent int) ([]span, bool) {
	var out []span
	pending := -1
	for i, l := range lines {
		body := bytes.TrimRight(l, "\n")
		trimmed := bytes.TrimLeft(body, " ")
		lead := len(body) - len(trimmed)
		switch {
		case len(trimmed) == 0 || trimmed[0] == '#':
			if pending < 0 {
				pending = i
			}
		case len(out) == 0 && (lead > indent || isItem(trimmed)):
			return nil, false // content before the first key
		case lead > indent || isItem(trimmed):
			// Part of the current section: deeper lines, and list items
			// written at the key's own indentation ("key:\n- a").
			pending = -1
		case lead < indent, !keyLine(trimmed):
			return nil, false // documents, directives, flow or complex keys, lists
		default:
			from := i
			if pending >= 0 {
				from = pending
			}
			if len(out) == 0 {
				from = 0
			}
			out = append(out, span{from: from, key: i})
			pending = -1
		}
	}
	return out, true
}

// children cuts a large top-level entry written as "key:" followed by a
// block mapping into pieces, one per entry of that mapping.
func children(lines [][]byte, s span, end int) []piece {
	header := bytes.TrimRight(lines[s.key], "\n")
	colon := bytes.IndexByte(header, ':')
	rest := bytes.TrimLeft(header[colon+1:], " ")
	if end-s.key < splitMin || len(rest) > 0 && rest[0] != '#' {
		return nil
	}
	body := lines[s.key+1 : end]
	indent := -1
	for _, l := range body {
		t := bytes.TrimLeft(bytes.TrimRight(l, "\n"), " ")
		if len(t) > 0 && t[0] != '#' {
			indent = len(bytes.TrimRight(l, "\n")) - len(t)
			break
		}
	}
	if indent <= 0 {
		return nil
	}
	for _, l := range body {
		t := bytes.TrimRight(l, "\n")
		if lead := len(t) - len(bytes.TrimLeft(t, " ")); lead < indent && lead < len(t) && t[lead] != '#' {
			return nil // less indented than its siblings: a flow or quoted continuation
		}
	}
	kids, ok := cut(body, indent)
	if !ok || len(kids) < 2 {
		return nil
	}
	out := make([]piece, 0, len(kids))
	for k, c := range kids {
		stop := len(body)
		if k+1 < len(kids) {
			stop = kids[k+1].from
		}
		out = append(out, piece{parent: string(header[:colon]), start: s.key + 2 + c.from, indent: indent, lines: body[c.from:stop]})
	}
	return out
}

// keyIndex returns the index of a piece's key line: the first that is
// neither blank nor a comment.
func keyIndex(lines [][]byte) int {
	for i, l := range lines {
		t := bytes.TrimLeft(bytes.TrimRight(l, "\n"), " ")
		if len(t) > 0 && t[0] != '#' {
			return i
		}
	}
	return len(lines) - 1
}

// isItem reports a block sequence entry: "- x" or a lone "-".
func isItem(l []byte) bool {
	return l[0] == '-' && (len(l) == 1 || l[1] == ' ' || l[1] == '\n')
}

// keyLine reports "key:" or "key: value" with a simple unquoted key.
func keyLine(l []byte) bool {
	for i, c := range l {
		switch {
		case c == ':':
			return i > 0 && (i+1 == len(l) || l[i+1] == ' ' || l[i+1] == '\n')
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '_':
		case c == '.' || c == '-' || c == '/':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return false
}

// mayHaveAnchors looks for "&x" or "*x" starting a token, and "<<"; a
// false alarm only costs the speed-up.
func mayHaveAnchors(data []byte) bool {
	if bytes.Contains(data, []byte("<<")) {
		return true
	}
	for i := 0; i+1 < len(data); i++ {
		c := data[i]
		if c != '&' && c != '*' {
			continue
		}
		if i > 0 && !bytes.ContainsRune([]byte(" \t\n[{,:-"), rune(data[i-1])) {
			continue
		}
		if n := data[i+1]; n != ' ' && n != '\t' && n != '\n' && n != ',' && n != ']' && n != '}' {
			return true
		}
	}
	return false
}
