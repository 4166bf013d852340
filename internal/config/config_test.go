package config_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func known(id string) bool { return id != "no-such-rule" }

// TestInvalid: one fixture per invalid case; the first line says which
// message (with location) the error must contain.
func TestInvalid(t *testing.T) {
	files, _ := filepath.Glob("testdata/invalid/*.yaml")
	if len(files) < 6 {
		t.Fatalf("want invalid fixtures, found %d", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			want := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(string(data), "\n", 2)[0], "# want:"))
			_, err = config.Parse(".airlock.yaml", data, known)
			if err == nil {
				t.Fatalf("no error, want %q", want)
			}
			if !errors.Is(err, yamltree.ErrInvalid) {
				t.Errorf("error %v does not wrap ErrInvalid (exit 2)", err)
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), ".airlock.yaml") {
				t.Errorf("error %q, want it to contain %q and the file name", err, want)
			}
		})
	}
}

func TestValid(t *testing.T) {
	c, err := config.Load("testdata/valid/full.yaml", known)
	if err != nil {
		t.Fatal(err)
	}
	if !c.Disabled["secret-key-name"] || c.Severity["airflow-variable-secret"] != finding.High || c.FailOn != finding.High {
		t.Errorf("rules not decoded: %+v", c)
	}
	if len(c.AllowPaths) != 1 || len(c.AllowValues) != 1 || c.Sections["audit"] == nil {
		t.Errorf("allowlist or sections not decoded: %+v", c)
	}
	for _, tt := range []struct {
		file string
		want bool
	}{
		{"examples/insecure-values.yaml", true},
		{"examples/nested/deep/x.yaml", true},
		{"deploy/values.yaml", false},
	} {
		if got := c.AllowsFile(tt.file); got != tt.want {
			t.Errorf("AllowsFile(%s) = %v, want %v", tt.file, got, tt.want)
		}
	}
}

func TestFindStopsAtGitRoot(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "repo", "deploy", "prod")
	if err := os.MkdirAll(filepath.Join(root, "repo", ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root, config.FileName), []byte("failOn: high\n"), 0o644)
	if got := config.Find(sub); got != "" {
		t.Errorf("found %s outside the git work tree", got)
	}
	want := filepath.Join(root, "repo", config.FileName)
	os.WriteFile(want, []byte("failOn: high\n"), 0o644)
	if got := config.Find(sub); got != want {
		t.Errorf("Find = %q, want %q", got, want)
	}
}
