package cli_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/airlockhq/airlock/internal/testfixture"
)

// TestDocCommand runs airlock doc through the command tree: writing,
// --check when current and when stale, and bad input (exit 2, a message
// naming the file and line, nothing written).
func TestDocCommand(t *testing.T) {
	chart := testfixture.ChartDir(t)
	dir := t.TempDir()
	values := writeFile(t, dir, "values.yaml", "airflow:\n  executor: CeleryExecutor\n  fernetKey: \"Zq8-doc-Planted-Fernet-7731xk0000000000000=\"\n")
	broken := writeFile(t, dir, "broken.yaml", "airflow:\n  fernetKey: \"abc\n  bad: [\n")
	badCfg := writeFile(t, dir, "bad.airlock.yaml", "doc:\n  title: x\n  colour: red\n")
	out := filepath.Join(dir, "secrets.md")
	html := filepath.Join(dir, "secrets.html")
	never := filepath.Join(dir, "never.md")
	base := []string{"doc", "--no-config", "--chart", chart, "-f", values}
	steps := []struct {
		name       string
		args       []string
		edit       func()
		wantCode   int
		wantStderr string
	}{
		{name: "write", args: append(base, "--output", out), wantCode: 0},
		{name: "check current", args: append(base, "--output", out, "--check"), wantCode: 0, wantStderr: `is up to date`},
		{name: "check stale", edit: func() { appendTo(t, out, "hand edit\n") }, args: append(base, "--output", out, "--check"), wantCode: 1,
			wantStderr: `(?s)secrets\.md is out of date \(first difference at line \d+\).*\+\+\+.*-hand edit`},
		{name: "check missing", args: append(base, "--output", never, "--check"), wantCode: 1, wantStderr: `does not exist`},
		{name: "html by extension", args: append(base, "--output", html), wantCode: 0},
		{name: "bad values", args: []string{"doc", "--no-config", "-f", broken, "--output", never}, wantCode: 2, wantStderr: `broken\.yaml:\d+: malformed YAML`},
		{name: "bad config", args: []string{"doc", "--config", badCfg, "-f", values, "--output", never}, wantCode: 2, wantStderr: `bad\.airlock\.yaml:3: doc: unknown key "colour"`},
		{name: "bad format", args: append(base, "--format", "pdf"), wantCode: 2, wantStderr: `unknown format`},
		{name: "check without output", args: append(base, "--check"), wantCode: 2, wantStderr: `--check needs --output`},
		{name: "bad date", args: append(base, "--date", "yesterday"), wantCode: 2, wantStderr: `YYYY-MM-DD`},
		{name: "no values", args: []string{"doc"}, wantCode: 2, wantStderr: `-f FILE`},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.edit != nil {
				s.edit()
			}
			code, stdout, stderr := run(t, s.args...)
			if code != s.wantCode {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, s.wantCode, stdout, stderr)
			}
			if s.wantStderr != "" && !regexp.MustCompile(s.wantStderr).MatchString(stderr) {
				t.Errorf("stderr %q does not match %q", stderr, s.wantStderr)
			}
			if regexp.MustCompile(`Zq8-doc-Planted`).MatchString(stdout + stderr) {
				t.Error("the secret reached the terminal")
			}
		})
	}
	if _, err := os.Stat(never); !os.IsNotExist(err) {
		t.Errorf("a failed run wrote %s", never)
	}
	for _, f := range []string{out, html} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`Zq8-doc-Planted`).Match(b) {
			t.Errorf("%s contains the secret", f)
		}
	}
	if b, _ := os.ReadFile(html); !regexp.MustCompile(`^<!DOCTYPE html>`).Match(b) {
		t.Error("--output secrets.html did not produce HTML")
	}
}

func appendTo(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
