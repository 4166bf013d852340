package gitscan_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
)

var update = flag.Bool("update", false, "rewrite golden files")

func registry(t testing.TB) *rule.Registry {
	t.Helper()
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// line renders a finding from history on one line for comparisons.
func line(f finding.Finding) string {
	s := fmt.Sprintf("%s:%d %s [%s] %s", f.Loc.File, f.Loc.Line, f.Path, f.RuleID, f.Secret.Mask())
	if h := f.History; h != nil {
		s += fmt.Sprintf(" introduced %s %q commits=%d %s", h.Introduced.ID[:7], h.Introduced.Subject, h.Commits, h.Status())
		if h.AtHead {
			s += fmt.Sprintf(" at %s:%d", h.Head.File, h.Head.Line)
		}
		if h.Boundary {
			s += " boundary"
		}
	}
	return s
}

func lines(fs []finding.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, line(f))
	}
	return out
}

// golden compares got with testdata/NAME, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s (-want +got):\n%s", name, d)
	}
}

func join(ss []string) string { return strings.Join(ss, "\n") + "\n" }
