package fix_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v4/pkg/chart/v2/loader"

	"github.com/airlockhq/airlock/internal/fix"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/source/valuesfile"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

const release = "airflow"

// TestEquivalence is the proof that fix does not change the deployment:
// for every case under testdata/equivalence (one directory per case, its
// values files in name order), the real chart is rendered with the Helm
// SDK before and after the fix, every container's environment and files
// are resolved against the Secrets (rendered, emitted by fix, and the
// subcharts'), and they must be identical except where a generated value
// replaced a public chart default. The fixed values must scan clean, and
// a second run must change nothing.
func TestEquivalence(t *testing.T) {
	dir := testfixture.ChartDir(t)
	ctx := context.Background()
	c, err := chart.Load(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	cases, err := filepath.Glob("testdata/equivalence/*")
	if err != nil || len(cases) < minCases {
		t.Fatalf("want at least 15 equivalence cases, found %d (%v)", len(cases), err)
	}
	for _, cdir := range cases {
		t.Run(filepath.Base(cdir), func(t *testing.T) {
			t.Parallel()
			files := copyCase(t, cdir)
			before := deploy(t, c, files, nil)
			out := filepath.Join(t.TempDir(), "secrets")
			res, err := fix.Run(ctx, fix.Options{Values: files, Chart: dir, Out: out, Target: fix.TargetSecret})
			if err != nil {
				t.Fatalf("fix: %v", err)
			}
			for _, s := range res.Plan.Skipped {
				t.Errorf("not fixed: %s (%s:%d): %s", s.Finding.Path, s.Finding.Loc.File, s.Finding.Loc.Line, s.Reason)
			}
			if len(res.Plan.Moves) == 0 {
				t.Fatal("the case has nothing to fix")
			}
			emitted := readDocs(t, out)
			after := deploy(t, c, files, emitted)
			gen := generatedKeys(res.Plan)
			if d := diffDeployments(resolveDeployment(before, nil), resolveDeployment(after, gen)); len(d) > 0 {
				t.Errorf("the fix changed the deployment:\n%s", strings.Join(d, "\n"))
			}
			rescanClean(t, files, dir)
			checkIdempotent(t, files, dir, out)
		})
	}
}

func copyCase(t *testing.T, cdir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(cdir, "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no values files in %s", cdir)
	}
	sort.Strings(names)
	tmp := t.TempDir()
	var out []string
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(tmp, filepath.Base(n))
		if err := os.WriteFile(p, data, 0o640); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// deploy renders the chart with the files merged as `helm -f` does and
// builds the workload model, with extra Secrets (emitted by fix) and the
// subchart Secrets.
func deploy(t *testing.T, c *chart.Chart, files []string, extra []*yamltree.Document) *workload.Set {
	t.Helper()
	vals := map[string]any{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := loader.LoadValues(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("helm cannot read %s: %v", f, err)
		}
		vals = loader.MergeMaps(vals, m)
	}
	ms, err := c.Render(context.Background(), vals, chart.RenderOptions{Release: release})
	if err != nil {
		t.Fatalf("render: %v", err)
	}
	var docs []*yamltree.Document
	for _, m := range ms {
		docs = append(docs, m.Doc)
	}
	set := workload.FromManifests(docs)
	set.Add(extra...)
	set.Add(subchartSecrets(effective(t, c, files), release)...)
	if len(set.Workloads) == 0 {
		t.Fatal("the chart rendered no workloads")
	}
	return set
}

func effective(t *testing.T, c *chart.Chart, files []string) *yamltree.Node {
	t.Helper()
	fs, err := valuesfile.LoadAll(context.Background(), files, nil, yamltree.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	var firsts []*yamltree.Node
	for _, f := range fs {
		firsts = append(firsts, f.First())
	}
	return yamltree.Effective(c.Defaults.First(), firsts...)
}

func readDocs(t *testing.T, dir string) []*yamltree.Document {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	var docs []*yamltree.Document
	for _, n := range names {
		st, err := os.Stat(n)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", n, st.Mode().Perm())
		}
		data, _ := os.ReadFile(n)
		f, err := yamltree.Parse(&yamltree.Source{Name: n, Kind: yamltree.Rendered}, data, yamltree.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, f.Docs...)
	}
	return docs
}

func rescanClean(t *testing.T, files []string, dir string) {
	t.Helper()
	ctx := context.Background()
	in, err := scan.Load(ctx, scan.LoadOptions{Values: files, Chart: dir})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scan.Run(ctx, in, reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		t.Errorf("re-scan of the fixed values: %s %s at %s:%d", f.Class, f.Path, f.Loc.File, f.Loc.Line)
	}
}

// checkIdempotent runs fix again: nothing to do, no file touched.
func checkIdempotent(t *testing.T, files []string, dir, out string) {
	t.Helper()
	snap := func() map[string]string {
		m := map[string]string{}
		names, _ := filepath.Glob(filepath.Join(out, "*"))
		for _, n := range append(names, files...) {
			data, _ := os.ReadFile(n)
			m[n] = string(data)
		}
		return m
	}
	first := snap()
	res, err := fix.Run(context.Background(), fix.Options{Values: files, Chart: dir, Out: out, Target: fix.TargetSecret})
	if err != nil {
		t.Fatalf("second fix: %v", err)
	}
	if len(res.Plan.Moves) != 0 || len(res.Files) != 0 {
		t.Errorf("second run planned %d moves and %d file changes, want none", len(res.Plan.Moves), len(res.Files))
	}
	if d := cmp.Diff(first, snap()); d != "" {
		t.Errorf("second run changed files (-first +second):\n%s", maskDiff(d))
	}
}

// maskDiff keeps test output free of secrets: only the line shapes show.
func maskDiff(d string) string {
	var b strings.Builder
	for _, l := range strings.Split(d, "\n") {
		if len(l) > 40 {
			l = l[:40] + "…"
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

// minCases is the size of the proof the issue asks for.
var minCases = 15
