package edit

import (
	"bytes"
	"unicode/utf8"
)

// text indexes the original bytes by line so that yaml positions (1-based
// line, 1-based column counted in characters) become byte offsets.
type text struct {
	data  []byte
	lines []int // byte offset where each line starts (after a BOM on line 1)
	bom   int   // length of a leading UTF-8 BOM, which yaml does not count as a column
	eol   string
}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newText(data []byte) *text {
	t := &text{data: data, eol: "\n"}
	if bytes.HasPrefix(data, utf8BOM) {
		t.bom = len(utf8BOM)
	}
	t.lines = append(t.lines, t.bom)
	for i, b := range data {
		if b == '\n' {
			t.lines = append(t.lines, i+1)
		}
	}
	// The file's first line break decides the style of inserted lines, so
	// a CRLF file stays CRLF.
	if i := bytes.IndexByte(data, '\n'); i > 0 && data[i-1] == '\r' {
		t.eol = "\r\n"
	}
	return t
}

// offset converts a yaml position to a byte offset, or -1 when it is
// outside the text.
func (t *text) offset(line, col int) int {
	if line < 1 || line > len(t.lines) || col < 1 {
		return -1
	}
	off := t.lines[line-1]
	for c := 1; c < col; c++ {
		if off >= len(t.data) || t.data[off] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(t.data[off:])
		off += size
	}
	return off
}

// lineOf returns the 0-based line index holding byte offset off.
func (t *text) lineOf(off int) int {
	lo, hi := 0, len(t.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.lines[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// lineEnd returns the offset of the line break (or the end of data) of
// the line holding off, before any '\r'.
func (t *text) lineEnd(off int) int {
	i := bytes.IndexByte(t.data[off:], '\n')
	if i < 0 {
		return len(t.data)
	}
	end := off + i
	if end > off && t.data[end-1] == '\r' {
		end--
	}
	return end
}

// nextLine returns the offset where the line after the one holding off
// starts, or len(data) for the last line.
func (t *text) nextLine(off int) int {
	i := bytes.IndexByte(t.data[off:], '\n')
	if i < 0 {
		return len(t.data)
	}
	return off + i + 1
}

// lineStart returns the offset where the line holding off starts.
func (t *text) lineStart(off int) int { return t.lines[t.lineOf(off)] }

// indentOf counts the spaces that start the line holding off.
func (t *text) indentOf(off int) int {
	s := t.lineStart(off)
	n := 0
	for s+n < len(t.data) && t.data[s+n] == ' ' {
		n++
	}
	return n
}

// onlySpaceBefore reports whether nothing but spaces precede off on its line.
func (t *text) onlySpaceBefore(off int) bool {
	for i := t.lineStart(off); i < off; i++ {
		if t.data[i] != ' ' {
			return false
		}
	}
	return true
}

// eolAt returns the line break style of the line holding off, falling back
// to the file's style on a last line without a break.
func (t *text) eolAt(off int) string {
	end := t.lineEnd(off)
	if end < len(t.data) && t.data[end] == '\r' {
		return "\r\n"
	}
	if end < len(t.data) {
		return "\n"
	}
	return t.eol
}
