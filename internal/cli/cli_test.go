package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExitCodesAndErrors(t *testing.T) {
	dir := t.TempDir()
	broken := writeFile(t, dir, "broken.yaml", "airflow:\n  fernetKey: \"abc\n  bad: [\n")
	clean := writeFile(t, dir, "clean.yaml", `airflow:
  fernetKey: ""
  webserverSecretKey: ""
  users: []
  extraEnv:
    - {name: AIRFLOW__CORE__FERNET_KEY, valueFrom: {secretKeyRef: {name: f, key: v}}}
    - {name: AIRFLOW__WEBSERVER__SECRET_KEY, valueFrom: {secretKeyRef: {name: w, key: v}}}
postgresql: {enabled: false}
redis: {enabled: false}
`)
	leak := writeFile(t, dir, "leak.yaml", "externalDatabase:\n  password: \"Zq8-unique-Planted-Pw-7731xk\"\n")
	binary := writeFile(t, dir, "bin.yaml", "a: 1\n\x00\x01\x02")
	highOnly := writeFile(t, dir, "high.yaml", "externalDatabase:\n  password: \"Hi9h-0nly\"\n")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string // regexp
	}{
		{"clean values", []string{"scan", "-f", clean}, 0, `^$`},
		{"findings", []string{"scan", "-f", leak}, 1, `^$`},
		{"fail-on above the findings", []string{"scan", "-f", clean, "-f", highOnly, "--fail-on", "critical"}, 0, `^$`},
		{"fail-on at the findings", []string{"scan", "-f", clean, "-f", highOnly, "--fail-on", "high"}, 1, `^$`},
		{"malformed YAML names file and line", []string{"scan", "-f", broken}, 2, `broken\.yaml:\d+: malformed YAML`},
		{"missing file", []string{"scan", "-f", filepath.Join(dir, "nope.yaml")}, 2, `nope\.yaml: no such file`},
		{"binary file", []string{"scan", "-f", binary}, 2, `bin\.yaml:2: binary data`},
		{"directory as values", []string{"scan", "-f", dir}, 2, `is a directory`},
		{"nothing to scan", []string{"scan"}, 2, `nothing to scan`},
		{"unknown flag", []string{"scan", "--nope"}, 2, `unknown flag`},
		{"bad format", []string{"scan", "-f", clean, "--format", "xml"}, 2, `unknown format`},
		{"bad severity", []string{"scan", "-f", clean, "--fail-on", "urgent"}, 2, `unknown severity`},
		{"missing chart", []string{"scan", "-f", clean, "--chart", filepath.Join(dir, "nochart")}, 2, `cannot load chart`},
		{"version", []string{"version"}, 0, `^$`},
		{"rules", []string{"rules"}, 0, `^$`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d (stderr %q)", code, tt.wantCode, stderr)
			}
			if !regexp.MustCompile(tt.wantStderr).MatchString(strings.TrimSpace(stderr)) {
				t.Errorf("stderr %q does not match %q", stderr, tt.wantStderr)
			}
		})
	}
}

// TestSecretsNeverPrinted plants unique secrets in every kind of place and
// checks that no output format prints any of them, unless asked to.
func TestSecretsNeverPrinted(t *testing.T) {
	dir := t.TempDir()
	planted := []string{"Pl4nted-DB-pw-0001", "Pl4nted-conn-0002", "Pl4nted-url-0003", "Pl4nted-env-0004", "Pl4nted-code-0005"}
	values := writeFile(t, dir, "values.yaml", `externalDatabase:
  password: "`+planted[0]+`"
airflow:
  connections:
    - {id: a, type: http, password: "`+planted[1]+`"}
  config:
    AIRFLOW__CORE__SQL_ALCHEMY_CONN: "postgresql://u:`+planted[2]+`@db/airflow"
  extraEnv:
    - name: SOME_TOKEN
      value: "`+planted[3]+`"
web:
  webserverConfig:
    stringOverride: |
      SECRET_KEY = "`+planted[4]+`"
`)
	for _, format := range []string{"text", "json", "sarif"} {
		out := filepath.Join(dir, "out."+format)
		code, stdout, stderr := run(t, "scan", "-f", values, "--format", format)
		code2, _, _ := run(t, "scan", "-f", values, "--format", format, "--output", out)
		data, _ := os.ReadFile(out)
		if code != 1 || code2 != 1 {
			t.Fatalf("%s: exit codes %d/%d, want 1", format, code, code2)
		}
		for _, p := range planted {
			for name, text := range map[string]string{"stdout": stdout, "stderr": stderr, "file": string(data)} {
				if strings.Contains(text, p) {
					t.Errorf("%s %s prints secret %s", format, name, p)
				}
			}
		}
	}
	_, stdout, _ := run(t, "scan", "-f", values, "--show-secrets")
	for _, p := range planted {
		if !strings.Contains(stdout, p) {
			t.Errorf("--show-secrets does not show %s", p)
		}
	}
}

func TestExampleGolden(t *testing.T) {
	root, _ := filepath.Abs("../..")
	t.Chdir(root)
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := run(t, "scan", "-f", "examples/insecure-values.yaml", "--format", format)
			if code != 1 || stderr != "" {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			golden(t, filepath.Join(root, "internal", "cli", "testdata", "example."+format+".golden"), stdout)
		})
	}
	code, stdout, _ := run(t, "scan", "-f", "examples/secure-values.yaml")
	if code != 0 {
		t.Errorf("secure example: exit %d:\n%s", code, stdout)
	}
}
