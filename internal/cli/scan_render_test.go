package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/testfixture"
)

// TestScanRender drives `airlock scan --render` end to end on the real
// chart: exit codes, errors that name the file or template and line, and
// the rules that fire.
func TestScanRender(t *testing.T) {
	chartDir := testfixture.ChartDir(t)
	dir := t.TempDir()
	clean := writeFile(t, dir, "clean.yaml", `airflow:
  fernetKey: ""
  webserverSecretKey: ""
  users: []
  extraEnv:
    - {name: AIRFLOW__CORE__FERNET_KEY, valueFrom: {secretKeyRef: {name: airflow-keys, key: fernet}}}
    - {name: AIRFLOW__WEBSERVER__SECRET_KEY, valueFrom: {secretKeyRef: {name: airflow-keys, key: web}}}
postgresql: {enabled: false}
externalDatabase: {host: db, passwordSecret: airflow-keys, passwordSecretKey: db}
redis: {enabled: false}
externalRedis: {host: redis, passwordSecret: airflow-keys, passwordSecretKey: redis}
`)
	secrets := writeFile(t, dir, "keys.yaml", `apiVersion: v1
kind: Secret
metadata: {name: airflow-keys}
stringData: {fernet: a, web: b, db: c, redis: d}
`)
	badTemplate := writeFile(t, dir, "bad.yaml", "airflow:\n  config:\n    AIRFLOW__CORE__SQL_ALCHEMY_CONN: sqlite://\n")
	manifest := writeFile(t, dir, "deploy.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  template:
    spec:
      containers:
        - name: app
          image: app
          envFrom:
            - secretRef: {name: app-env}
`)
	out := filepath.Join(dir, "report.json")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string   // regexp
		wantRules  []string // rule ids in the JSON report, sorted; nil: not checked
	}{
		{name: "everything resolves", args: []string{"-f", clean, "--secrets-from", secrets}, wantCode: 0, wantStderr: `^$`, wantRules: []string{}},
		{name: "without --secrets-from the Secret dangles", args: []string{"-f", clean}, wantCode: 1, wantStderr: `^$`,
			wantRules: []string{"dangling-secret-ref"}},
		{name: "--set reaches the chart", args: []string{"-f", clean, "--secrets-from", secrets, "--set", "rbac.secrets=true"}, wantCode: 1, wantStderr: `^$`,
			wantRules: []string{"rbac-secrets-read"}},
		{name: "--fail-on above info with --consumption", args: []string{"-f", clean, "--secrets-from", secrets, "--consumption", "--fail-on", "low"}, wantCode: 0, wantStderr: `^$`},
		{name: "template error names template and line", args: []string{"-f", badTemplate, "--output", out}, wantCode: 2,
			wantStderr: `render chart: .*airflow/templates/_helpers/validate-values\.tpl:\d+:\d+.*AIRFLOW__CORE__SQL_ALCHEMY_CONN`},
		{name: "bad --set names the flag, not the value", args: []string{"--set", "a[x]=Zz-Flag-Secret-1"}, wantCode: 2, wantStderr: `^airlock: --set: cannot parse --set a\[x\]=\.\.\.: [^Z]*$`},
		{name: "missing --secrets-from", args: []string{"-f", clean, "--secrets-from", filepath.Join(dir, "nope")}, wantCode: 2, wantStderr: `nope: no such file or directory`},
		{name: "malformed --secrets-from", args: []string{"-f", clean, "--secrets-from", badYAML(t, dir)}, wantCode: 2, wantStderr: `broken-secret\.yaml:\d+: malformed YAML`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"scan", "--render", "--chart", chartDir, "--format", "json"}, tt.args...)
			code, stdout, stderr := run(t, args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if !regexp.MustCompile(tt.wantStderr).MatchString(strings.TrimSpace(stderr)) {
				t.Errorf("stderr %q does not match %q", stderr, tt.wantStderr)
			}
			if tt.wantCode == 2 {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("a failed run wrote %s", out)
				}
				return
			}
			if tt.wantRules != nil {
				if diff := cmp.Diff(tt.wantRules, ruleIDs(t, stdout)); diff != "" {
					t.Errorf("rules (-want +got):\n%s", diff)
				}
			}
		})
	}
	t.Run("manifests as PATH without a chart", func(t *testing.T) {
		code, stdout, stderr := run(t, "scan", "--render", "--format", "json", manifest)
		if code != 1 {
			t.Fatalf("exit %d, want 1 (stderr %q)", code, stderr)
		}
		if diff := cmp.Diff([]string{"dangling-secret-ref"}, ruleIDs(t, stdout)); diff != "" {
			t.Errorf("rules (-want +got):\n%s", diff)
		}
		if !strings.Contains(stdout, `"file": "`+manifest+`"`) || !strings.Contains(stdout, `"line": 11`) {
			t.Errorf("the finding should point at %s line 11:\n%s", manifest, stdout)
		}
	})
}

func TestScanRenderUsage(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantStderr string
	}{
		{name: "--set needs --render", args: []string{"scan", "-f", "x.yaml", "--set", "a=b"}, wantStderr: `need --render`},
		{name: "--render needs a chart or manifests", args: []string{"scan", "--render", "-f", "x.yaml"}, wantStderr: `--render needs --chart`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != 2 || !regexp.MustCompile(tt.wantStderr).MatchString(stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.wantStderr)
			}
		})
	}
}

func badYAML(t *testing.T, dir string) string {
	t.Helper()
	sub := filepath.Join(dir, "broken")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, sub, "broken-secret.yaml", "kind: Secret\nmetadata: {name: [\n")
	return sub
}

func ruleIDs(t *testing.T, report string) []string {
	t.Helper()
	var r struct {
		Findings []struct {
			RuleID string `json:"ruleId"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(report), &r); err != nil {
		t.Fatalf("report is not JSON: %v\n%s", err, report)
	}
	ids := []string{}
	for _, f := range r.Findings {
		ids = append(ids, f.RuleID)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}
