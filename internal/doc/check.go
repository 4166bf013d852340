package doc

import (
	"bytes"
	"fmt"
	"strings"
)

// StaleError says a committed document differs from what the deployment
// gives now. Its message is a unified-diff hunk around the first change.
type StaleError struct {
	File string
	Line int // first differing line, 1-based
	Diff string
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s is out of date (first difference at line %d):\n%s", e.File, e.Line, e.Diff)
}

// maxHunk bounds the lines of each side a stale report shows.
const maxHunk = 12

// Compare returns nil when committed equals generated, else a StaleError
// whose diff shows the changed region: common lines are trimmed from both
// ends, three lines of context are kept before it.
func Compare(file string, committed, generated []byte) error {
	if bytes.Equal(committed, generated) {
		return nil
	}
	a, b := lines(committed), lines(generated)
	start := 0
	for start < len(a) && start < len(b) && a[start] == b[start] {
		start++
	}
	endA, endB := len(a), len(b)
	for endA > start && endB > start && a[endA-1] == b[endB-1] {
		endA, endB = endA-1, endB-1
	}
	if start == len(a) && start == len(b) {
		// Same lines: only line endings or the final newline differ.
		return &StaleError{File: file, Line: len(a) + 1, Diff: "line endings or the final newline differ\n"}
	}
	ctx := max(0, start-3)
	var d strings.Builder
	fmt.Fprintf(&d, "--- %s (committed)\n+++ %s (generated now)\n", file, file)
	fmt.Fprintf(&d, "@@ -%d,%d +%d,%d @@\n", ctx+1, endA-ctx, ctx+1, endB-ctx)
	for _, l := range a[ctx:start] {
		d.WriteString(" " + l + "\n")
	}
	writeSide(&d, "-", a[start:endA])
	writeSide(&d, "+", b[start:endB])
	return &StaleError{File: file, Line: start + 1, Diff: d.String()}
}

func writeSide(d *strings.Builder, sign string, ls []string) {
	for i, l := range ls {
		if i == maxHunk {
			fmt.Fprintf(d, "%s... (%d more lines)\n", sign, len(ls)-maxHunk)
			return
		}
		d.WriteString(sign + l + "\n")
	}
}

// lines splits text into lines without their terminators (a final newline
// ends the last line rather than starting an empty one).
func lines(b []byte) []string {
	s := strings.TrimSuffix(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
