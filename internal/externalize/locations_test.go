package externalize_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock/internal/externalize"
)

// TestNothingHalfWritten: output problems are found before anything is
// written (no values change, no file appears): secret values inside a git
// work tree, a file airlock did not write in --out.
func TestNothingHalfWritten(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, repo, out string) externalize.Options
	}{
		{"secret values in a git work tree", func(t *testing.T, repo, out string) externalize.Options {
			return externalize.Options{Out: out}
		}},
		{"someone else's file in --out", func(t *testing.T, repo, out string) externalize.Options {
			if err := os.MkdirAll(filepath.Join(out, "vault"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(out, "vault", "apply.sh"), []byte("#!/bin/sh\necho mine\n"), 0o755); err != nil {
				t.Fatal(err)
			}
			return externalize.Options{Out: out, SecretsFile: filepath.Join(t.TempDir(), "s.yaml")}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			repo := t.TempDir()
			if err := os.Mkdir(filepath.Join(repo, ".git"), 0o755); err != nil {
				t.Fatal(err)
			}
			files := copyValues(t, "testdata/backend")
			out := filepath.Join(repo, "deploy")
			o := tt.setup(t, repo, out)
			o.Values, o.Provider, o.Mode, o.Rand = files, "vault", externalize.ModeESO, &counter{}
			o.Vault.Addr = "https://vault.example:8200"
			before := snapshot(t, append(files, out))
			_, err := externalize.Run(context.Background(), o)
			if !errors.Is(err, externalize.ErrUsage) {
				t.Fatalf("want a usage error, got %v", err)
			}
			if after := snapshot(t, append(files, out)); len(after) != len(before) {
				t.Errorf("files were written: %d before, %d after", len(before), len(after))
			} else {
				for k, v := range before {
					if after[k] != v {
						t.Errorf("%s changed", k)
					}
				}
			}
		})
	}
}
