package fix

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Diff renders the values changes as a unified diff in which every known
// secret value is masked, on removed, added and context lines alike.
func (r *Result) Diff() string {
	m := newMasker(r.Secrets)
	var b strings.Builder
	for _, f := range r.Files {
		b.WriteString(unified(f.Name, splitLines(string(f.Before)), splitLines(string(f.After)), m))
	}
	return b.String()
}

// masker replaces secret text with "<redacted: N chars>". Short secrets
// ("admin") are masked on changed lines only, where they are the value
// being removed: masking them everywhere would hide ordinary words.
type masker struct{ needles, short []string }

// shortSecret is the length below which a secret is masked on changed
// lines only.
const shortSecret = 8

func newMasker(secrets []string) *masker {
	seen := map[string]bool{}
	m := &masker{}
	add := func(s string) {
		n := utf8.RuneCountInString(s)
		if n == 0 || seen[s] {
			return
		}
		seen[s] = true
		if n < shortSecret {
			m.short = append(m.short, s)
			return
		}
		m.needles = append(m.needles, s)
	}
	for _, s := range secrets {
		for _, line := range strings.Split(s, "\n") {
			line = strings.TrimSpace(line)
			add(line)
			if q := strconv.Quote(line); len(q) > 2 {
				add(q[1 : len(q)-1])
			}
			add(strings.ReplaceAll(line, "'", "''"))
		}
	}
	// Longest first, so a secret is masked whole before any part of it.
	sort.Slice(m.needles, func(i, j int) bool { return len(m.needles[i]) > len(m.needles[j]) })
	sort.Slice(m.short, func(i, j int) bool { return len(m.short[i]) > len(m.short[j]) })
	return m
}

func (m *masker) mask(line string, changed bool) string {
	needles := m.needles
	if changed {
		needles = append(slices.Clone(needles), m.short...)
	}
	for _, n := range needles {
		if strings.Contains(line, n) {
			line = strings.ReplaceAll(line, n, fmt.Sprintf("<redacted: %d chars>", utf8.RuneCountInString(n)))
		}
	}
	return line
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// unified is a small line diff (longest common subsequence) with three
// lines of context; values files are small enough for the O(n·m) table.
func unified(name string, a, b []string, m *masker) string {
	ops := lcsOps(a, b)
	var out strings.Builder
	const ctx = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-ctx, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run-end > 2*ctx || run == len(ops) {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		if out.Len() == 0 {
			fmt.Fprintf(&out, "--- %s\n+++ %s (fixed)\n", name, name)
		}
		writeHunk(&out, ops[start:end], m)
		i = end
	}
	return out.String()
}

type diffOp struct {
	kind       byte // ' ', '-', '+'
	line       string
	aLine, bLn int
}

func writeHunk(out *strings.Builder, ops []diffOp, m *masker) {
	var na, nb int
	for _, o := range ops {
		if o.kind != '+' {
			na++
		}
		if o.kind != '-' {
			nb++
		}
	}
	fmt.Fprintf(out, "@@ -%d,%d +%d,%d @@\n", ops[0].aLine, na, ops[0].bLn, nb)
	for _, o := range ops {
		line := strings.TrimRight(o.line, "\r\n")
		out.WriteByte(o.kind)
		out.WriteString(m.mask(line, o.kind != ' '))
		out.WriteByte('\n')
	}
}

func lcsOps(a, b []string) []diffOp {
	n, k := len(a), len(b)
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, k+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := k - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	var ops []diffOp
	i, j := 0, 0
	for i < n || j < k {
		switch {
		case i < n && j < k && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i], i + 1, j + 1})
			i, j = i+1, j+1
		case i < n && (j == k || t[i+1][j] >= t[i][j+1]):
			ops = append(ops, diffOp{'-', a[i], i + 1, j + 1})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j], i + 1, j + 1})
			j++
		}
	}
	return ops
}
