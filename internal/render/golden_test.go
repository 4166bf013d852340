package render_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/report"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/testfixture"
)

var update = flag.Bool("update", false, "rewrite golden files")

// plaintexts are the secrets written in testdata: no report may print one.
var plaintexts = []string{
	"wJalrXUtnFEMI", "Wint3r-is-coming", "mailgun-Pa55word", "GOCSPX-averyreal", "pO9bYcqF8oeFu5c0",
	"not-a-real-password", "smtp-password-for", "Set-By-Flag-Pw", "7T512UXSSmBOkpWimFHIVb8jK6lfmSAvx4mO6Arehnc=",
}

// goldenCases render the real airflow-helm 8.9.0 chart with representative
// values. Each golden file is the JSON report of `airlock scan --render`.
var goldenCases = []struct {
	name        string
	set         render.SetFlags
	secretsFrom bool
	consumption bool
}{
	{name: "01-defaults"},
	{name: "02-external-db-password-secret", secretsFrom: true},
	{name: "03-dangling-existing-secret"},
	{name: "04-users-templates-missing"},
	{name: "05-extra-manifests-secret"},
	{name: "06-rbac-secrets"},
	{name: "07-fernet-key-cmd"},
	{name: "08-kubernetes-executor-pod-template"},
	{name: "09-gitsync-http-secret", secretsFrom: true},
	{name: "10-extraenv-secrets-from", secretsFrom: true},
	{name: "11-config-and-connections"},
	{name: "12-consumption", secretsFrom: true, consumption: true},
	{name: "13-set-flags", set: render.SetFlags{Values: []string{"externalDatabase.password=Set-By-Flag-Pw1"}}},
}

func TestGolden(t *testing.T) {
	chartDir := testfixture.ChartDir(t)
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range goldenCases {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			values := []string{filepath.Join("testdata", "values", tt.name+".yaml")}
			in, err := scan.Load(ctx, scan.LoadOptions{Values: values, Chart: chartDir})
			if err != nil {
				t.Fatal(err)
			}
			o := render.RunOptions{Inputs: in, Registry: reg, Chart: chartDir, Set: tt.set, Release: "rel", Namespace: "airflow", Consumption: tt.consumption}
			if tt.secretsFrom {
				o.SecretsFrom = []string{filepath.Join("testdata", "secrets")}
			}
			res, err := render.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			ri := &report.Input{Tool: report.Tool{Name: "airlock", Version: "test"}, Findings: res.Findings, Rules: reg.Metas(),
				Files: values, Chart: res.Chart, Notes: res.Notes}
			if err := (report.JSON{}).Write(&buf, ri); err != nil {
				t.Fatal(err)
			}
			got := strings.ReplaceAll(buf.String(), chartDir, "$CHART")
			for _, s := range plaintexts {
				if strings.Contains(got, s) {
					t.Errorf("report prints a secret in full: %q", s)
				}
			}
			checkInvariants(t, values[0], res.Findings)
			golden(t, filepath.Join("testdata", "golden", tt.name+".golden"), got)
		})
	}
}

// checkInvariants holds for every run: a located finding points at the
// values file or at a chart template (never another file), and no place
// carries two hardcoded-secret findings (rendered copies are deduplicated).
func checkInvariants(t *testing.T, valuesFile string, fs []finding.Finding) {
	t.Helper()
	seen := map[string]string{}
	for _, f := range fs {
		if !f.Loc.IsZero() && f.Loc.File != valuesFile && !strings.HasPrefix(f.Loc.File, "airflow/templates/") {
			t.Errorf("%s located in %s, want the values file or a chart template", f.RuleID, f.Loc.File)
		}
		if f.Class != finding.Hardcoded && f.Class != finding.InsecureDefault {
			continue
		}
		k := f.Path
		if !f.Loc.IsZero() {
			k = fmt.Sprintf("%s:%d:%d", f.Loc.File, f.Loc.Line, f.Loc.Col)
		}
		if prev, dup := seen[k]; dup {
			t.Errorf("two secret findings at %s: %s and %s", k, prev, f.RuleID)
		}
		seen[k] = f.RuleID
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("missing golden %s (run go test -update): %v", path, err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
}
