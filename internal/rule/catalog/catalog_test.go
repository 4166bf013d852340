package catalog_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// wantLines returns the lines of a fixture marked "# want".
func wantLines(t *testing.T, path string) []int {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasSuffix(strings.TrimSpace(l), "# want") {
			lines = append(lines, i+1)
		}
	}
	return lines
}

func hardcoded(t *testing.T, path string) []finding.Finding {
	t.Helper()
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	in, err := scan.Load(context.Background(), scan.LoadOptions{Values: []string{path}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := scan.Run(context.Background(), in, reg)
	if err != nil {
		t.Fatal(err)
	}
	var out []finding.Finding
	for _, f := range res.Findings {
		if f.Class == finding.Hardcoded {
			out = append(out, f)
		}
	}
	return out
}

// TestEntryFixtures runs every catalog entry's own positive and negative
// fixture: an entry without both fails, so no key ships untested.
func TestEntryFixtures(t *testing.T) {
	ids := map[string]bool{}
	for _, e := range catalog.Entries {
		t.Run(e.ID, func(t *testing.T) {
			if ids[e.ID] {
				t.Fatalf("duplicate entry id %s", e.ID)
			}
			ids[e.ID] = true
			if e.Why == "" || !strings.HasSuffix(e.Remediation, ".") {
				t.Errorf("entry needs a why and a remediation ending in '.'")
			}
			pos := filepath.Join("testdata", e.ID, "positive.yaml")
			neg := filepath.Join("testdata", e.ID, "negative.yaml")
			for _, p := range []string{pos, neg} {
				if _, err := os.Stat(p); err != nil {
					t.Fatalf("missing fixture %s", p)
				}
			}
			want := wantLines(t, pos)
			if len(want) == 0 {
				t.Fatalf("%s marks no line with '# want'", pos)
			}
			var got []int
			ruleSeen := false
			for _, f := range hardcoded(t, pos) {
				got = append(got, f.Loc.Line)
				ruleSeen = ruleSeen || f.RuleID == e.RuleID
			}
			if !slices.Equal(got, want) {
				t.Errorf("positive fixture: findings on lines %v, want %v", got, want)
			}
			if !ruleSeen {
				t.Errorf("positive fixture: rule %s did not report", e.RuleID)
			}
			if fs := hardcoded(t, neg); len(fs) > 0 {
				t.Errorf("negative fixture: unexpected finding %s at line %d (%s)", fs[0].RuleID, fs[0].Loc.Line, fs[0].Path)
			}
		})
	}
	entries, _ := os.ReadDir("testdata")
	for _, d := range entries {
		if !ids[d.Name()] {
			t.Errorf("testdata/%s belongs to no catalog entry", d.Name())
		}
	}
}

func TestRuleMetasValid(t *testing.T) {
	for _, m := range catalog.RuleMetas {
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
	}
}

// TestBuiltinDefaultsMatchChart keeps the built-in catalog honest: every
// default it carries must equal the real chart's value.
func TestBuiltinDefaultsMatchChart(t *testing.T) {
	dir := testfixture.ChartDir(t)
	c, err := chart.Load(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name != "airflow" || !strings.HasPrefix(c.Version, "8.") {
		t.Fatalf("fixture is %s %s, want airflow 8.x", c.Name, c.Version)
	}
	builtin, err := catalog.BuiltinDefaults()
	if err != nil {
		t.Fatal(err)
	}
	real := c.Defaults.First()
	n := 0
	err = yamltree.Walk(builtin.First(), nil, func(cur *yamltree.Cursor) bool {
		if cur.Node.Kind != yamltree.Scalar {
			return true
		}
		n++
		got := real.At(cur.Path)
		if got == nil || got.Value != cur.Node.Value {
			t.Errorf("built-in default %s = %q, chart has %v", cur.Path, cur.Node.Value, got)
		}
		return true
	})
	if err != nil || n < 30 {
		t.Fatalf("walked %d defaults, err %v", n, err)
	}
	for _, c := range []struct{ path, want string }{
		{"airflow.fernetKey", catalog.DefaultFernetKey},
		{"airflow.webserverSecretKey", catalog.DefaultWebserverSecretKey},
		{"postgresql.postgresqlPassword", catalog.DefaultDBPassword},
		{"redis.password", catalog.DefaultRedisPassword},
	} {
		p, _ := yamltree.ParsePath(c.path)
		if got := real.At(yamltree.Path(p)); got.Text() != c.want {
			t.Errorf("chart %s = %q, constant says %q", c.path, got.Text(), c.want)
		}
	}
}
