package externalize_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize"
	"github.com/airlockhq/airlock/internal/externalize/layout"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden runs every provider and mode on testdata/backend's values
// (without a chart, so the catalog decides the vault-agent components)
// twice on fresh copies: the outputs must be byte-identical (sorted, no
// timestamps) and match testdata/golden, where reviewers read them. The
// values diff is masked; the secret values file is not kept in golden
// form, only its mode is checked.
func TestGolden(t *testing.T) {
	type run struct {
		provider layout.Provider
		mode     externalize.Mode
	}
	var runs []run
	for _, p := range layout.Providers {
		runs = append(runs, run{p, externalize.ModeESO}, run{p, externalize.ModeBackend})
	}
	runs = append(runs, run{layout.Vault, externalize.ModeVaultAgent})
	for _, r := range runs {
		name := string(r.provider) + "-" + string(r.mode)
		t.Run(name, func(t *testing.T) {
			first := outputsOf(t, r.provider, r.mode)
			if d := cmp.Diff(first, outputsOf(t, r.provider, r.mode)); d != "" {
				t.Fatalf("two runs differ:\n%.3000s", d)
			}
			dir := filepath.Join("testdata", "golden", name)
			if *update {
				_ = os.RemoveAll(dir)
				for rel, data := range first {
					p := filepath.Join(dir, rel)
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			want := map[string]string{}
			_ = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
				if err == nil && !fi.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					want[rel] = string(readFile(t, p))
				}
				return nil
			})
			if d := cmp.Diff(want, first); d != "" {
				t.Errorf("outputs differ from %s (go test -run TestGolden -update to accept):\n%.4000s", dir, d)
			}
		})
	}
}

// outputsOf externalizes a fresh copy and returns every output by path
// relative to --out, plus the masked values diff.
func outputsOf(t *testing.T, p layout.Provider, m externalize.Mode) map[string]string {
	t.Helper()
	files := copyValues(t, "testdata/backend")
	out, secrets := t.TempDir(), filepath.Join(t.TempDir(), "values.yaml")
	o := externalize.Options{Values: files, Provider: p, Mode: m, Out: out, SecretsFile: secrets, Rand: &counter{},
		Vault: externalize.VaultOptions{Addr: "https://vault.example:8200"},
		AWS:   externalize.AWSOptions{Region: "eu-west-1", AccountID: "111122223333", RoleARN: "arn:aws:iam::111122223333:role/airflow-secrets"},
		GCP:   externalize.GCPOptions{Project: "my-project", ServiceAccount: "airflow@my-project.iam.gserviceaccount.com"},
		Azure: externalize.AzureOptions{VaultURL: "https://airflow-kv.vault.azure.net/", ClientID: "00000000-0000-0000-0000-000000000001"}}
	res, err := externalize.Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(secrets); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret values file: %v, mode %v; want 0600", err, st.Mode())
	}
	got := map[string]string{"values.diff": strings.ReplaceAll(res.Diff(), filepath.Dir(files[0])+"/", "")}
	_ = filepath.Walk(out, func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			rel, _ := filepath.Rel(out, path)
			got[rel] = string(readFile(t, path))
		}
		return nil
	})
	return got
}
