package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/cli"
)

// fixValues holds secrets that must never appear in fix's output.
const fixValues = `# values with secrets
airflow:
  executor: CeleryExecutor
  fernetKey: "Q2xpLXRlc3QtZmVybmV0LWtleS0xMjM0NTY3ODkwMSE="   # keep this comment
  config:
    AIRFLOW__SMTP__SMTP_PASSWORD: "Smtp-Cli-Secret-77"
  users: []
postgresql:
  enabled: false
externalDatabase:
  host: db
  password: "Db-Cli-Secret-88"
redis:
  existingSecret: my-redis
`

// aliasedValues is clean except for one password anchored and aliased.
const aliasedValues = `externalDatabase:
  host: db
  password: &pw Shared-Secret-99
airflow:
  executor: KubernetesExecutor
  fernetKey: ""
  webserverSecretKey: ""
  users: []
  extraEnv:
    - name: AIRFLOW__CORE__FERNET_KEY
      valueFrom: {secretKeyRef: {name: f, key: k}}
    - name: AIRFLOW__WEBSERVER__SECRET_KEY
      valueFrom: {secretKeyRef: {name: w, key: k}}
  connections: [{id: db, type: postgres, password: *pw}]
workers: {enabled: false}
flower: {enabled: false}
redis: {enabled: false}
postgresql: {enabled: false}
`

var fixSecrets = []string{"Shared-Secret-99", "Q2xpLXRlc3QtZmVybmV0LWtleS0xMjM0NTY3ODkwMSE=", "Smtp-Cli-Secret-77", "Db-Cli-Secret-88"}

func runFix(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Run(context.Background(), append([]string{"fix"}, args...), cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func writeValues(t *testing.T, dir, body string) string {
	t.Helper()
	p := filepath.Join(dir, "values.yaml")
	if err := os.WriteFile(p, []byte(body), 0o640); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFixCommand(t *testing.T) {
	tests := []struct {
		name        string
		values      string
		gitRepo     bool // the output directory is inside a git work tree
		args        func(values, out string) []string
		wantCode    int
		wantOut     []string
		wantErr     string
		wantChanged bool
		wantFiles   map[string]os.FileMode // relative to out
	}{
		{
			name: "dry run prints a masked diff and writes nothing", values: fixValues,
			args:     func(v, o string) []string { return []string{"-f", v, "--dry-run"} },
			wantCode: 0, wantOut: []string{"-    AIRFLOW__SMTP__SMTP_PASSWORD: \"<redacted: 18 chars>\"", "+  fernetKey: \"\"   # keep this comment", "Would write"},
		},
		{
			name: "writes Secrets with mode 0600 and rewrites the values", values: fixValues,
			args:     func(v, o string) []string { return []string{"-f", v, "--out", o} },
			wantCode: 0, wantChanged: true, wantOut: []string{"Fixed", "airflow-database"},
			wantFiles: map[string]os.FileMode{"airflow-database.yaml": 0o600, "airflow-fernet-key.yaml": 0o600, "airflow-config-env.yaml": 0o600},
		},
		{
			name: "refuses to write secrets into a git work tree", values: fixValues, gitRepo: true,
			args:     func(v, o string) []string { return []string{"-f", v, "--out", o} },
			wantCode: 2, wantErr: "inside the git work tree",
		},
		{
			name: "--allow-in-repo writes into a git work tree", values: fixValues, gitRepo: true,
			args:     func(v, o string) []string { return []string{"-f", v, "--out", o, "--allow-in-repo"} },
			wantCode: 0, wantChanged: true, wantFiles: map[string]os.FileMode{"airflow-database.yaml": 0o600},
		},
		{
			name: "external-secret: committable manifests and a 0600 values file", values: fixValues,
			args:     func(v, o string) []string { return []string{"-f", v, "--out", o, "--target", "external-secret"} },
			wantCode: 0, wantChanged: true,
			wantFiles: map[string]os.FileMode{"airflow-database.externalsecret.yaml": 0o644, "airflow-secret-store.yaml": 0o644, "secret-manager-values.yaml": 0o600},
		},
		{
			name:   "syntax it cannot edit: refused with file and line, file unchanged",
			values: aliasedValues,
			args:   func(v, o string) []string { return []string{"-f", v, "--out", o} },
			// The anchored password is used twice: nothing can change safely.
			wantCode: 1, wantOut: []string{"Not fixed", "values.yaml:14: the value is an alias (*pw)"},
		},
		{
			name: "malformed YAML is bad input", values: "airflow:\n  fernetKey: [unclosed\n",
			args:     func(v, o string) []string { return []string{"-f", v, "--out", o} },
			wantCode: 2, wantErr: "values.yaml",
		},
		{
			name: "unknown target is a usage error", values: fixValues,
			args:     func(v, o string) []string { return []string{"-f", v, "--out", o, "--target", "vault"} },
			wantCode: 2, wantErr: "--target",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			values := writeValues(t, dir, tt.values)
			outBase := t.TempDir()
			if tt.gitRepo {
				if err := os.Mkdir(filepath.Join(outBase, ".git"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			out := filepath.Join(outBase, "secrets")
			code, stdout, stderr := runFix(t, tt.args(values, out)...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			if tt.wantErr != "" && !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("stderr lacks %q: %s", tt.wantErr, stderr)
			}
			for _, s := range fixSecrets {
				if strings.Contains(stdout+stderr, s) {
					t.Errorf("output shows a secret in full")
				}
			}
			after, _ := os.ReadFile(values)
			if changed := string(after) != tt.values; changed != tt.wantChanged {
				t.Errorf("values file changed=%v, want %v", changed, tt.wantChanged)
			}
			if st, err := os.Stat(values); err != nil || st.Mode().Perm() != 0o640 {
				t.Errorf("values file mode changed: %v %v", st.Mode(), err)
			}
			if tt.wantFiles == nil {
				if _, err := os.Stat(out); err == nil {
					t.Errorf("%s was created", out)
				}
			}
			for name, mode := range tt.wantFiles {
				st, err := os.Stat(filepath.Join(out, name))
				if err != nil {
					t.Errorf("missing output %s: %v", name, err)
					continue
				}
				if st.Mode().Perm() != mode {
					t.Errorf("%s mode %v, want %v", name, st.Mode().Perm(), mode)
				}
				data, _ := os.ReadFile(filepath.Join(out, name))
				if mode != 0o600 && strings.Contains(string(data), "Db-Cli-Secret-88") {
					t.Errorf("%s is committable but holds a secret", name)
				}
			}
		})
	}
}
