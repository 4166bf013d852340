package externalize_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/vault/api"
	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/externalize"
	"github.com/airlockhq/airlock/internal/externalize/vault"
	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
)

// TestESOModeAgainstVault externalizes fix's equivalence cases in eso mode
// with a push to a real Vault dev server. Reading through the External
// Secrets Operator's generated policy, every ExternalSecret remoteRef
// resolves to the value the values file held (or a generated one), the
// same token is refused any other path, and a second run changes nothing
// and pushes nothing.
func TestESOModeAgainstVault(t *testing.T) {
	srv := vaulttest.Start(t)
	root := vaultClient(t, srv, vaulttest.RootToken)
	ctx := context.Background()
	for _, name := range []string{"01-external-db-celery", "03-users-connections-variables", "06-git-sync", "08-multi-file"} {
		t.Run(name, func(t *testing.T) {
			files := copyValues(t, filepath.Join("..", "fix", "testdata", "equivalence", name))
			out := t.TempDir()
			prefix := "eso" + name[:2]
			o := externalize.Options{Values: files, Provider: "vault", Mode: externalize.ModeESO, Push: true,
				Store: vault.New(root, "secret"), Vault: externalize.VaultOptions{Addr: srv.Addr},
				Out: out, RemotePrefix: prefix, Rand: &counter{}}
			res, err := externalize.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Skipped) > 0 || res.Push == nil || res.Push.Created == 0 {
				t.Fatalf("skipped %d, push %+v", len(res.Skipped), res.Push)
			}
			loadPolicies(t, root, out)
			esoClient := vaultClient(t, srv, tokenFor(t, root, "airflow-external-secrets"))
			checkExternalSecrets(t, esoClient, out, res)
			if _, err := esoClient.KVv2("secret").Get(ctx, "other/secret"); statusOf(err) != http.StatusForbidden {
				t.Errorf("the ESO role reads a path it was not granted: %v", err)
			}
			before := snapshot(t, append(files, out))
			again, err := externalize.Run(ctx, o)
			if err != nil {
				t.Fatal(err)
			}
			if len(again.Files) != 0 || len(again.Secrets) != 0 || len(again.Moves)+len(again.Plan.Moves) != 0 {
				t.Errorf("second run: %d file changes, %d secrets, %d moves; want none", len(again.Files), len(again.Secrets), len(again.Moves)+len(again.Plan.Moves))
			}
			if d := cmp.Diff(before, snapshot(t, append(files, out))); d != "" {
				t.Errorf("second run changed files:\n%.2000s", d)
			}
		})
	}
}

// checkExternalSecrets resolves every remoteRef of the written
// ExternalSecrets through client, as ESO would, and compares with the plan.
func checkExternalSecrets(t *testing.T, c *api.Client, out string, res *externalize.Result) {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(out, "eso", "*.externalsecret.yaml"))
	if len(paths) != len(res.Plan.Secrets) {
		t.Fatalf("%d ExternalSecrets for %d Secrets", len(paths), len(res.Plan.Secrets))
	}
	for _, p := range paths {
		var es struct {
			Spec struct {
				Target struct{ Name string }
				Data   []struct {
					SecretKey string                         `yaml:"secretKey"`
					RemoteRef struct{ Key, Property string } `yaml:"remoteRef"`
				}
			}
		}
		if err := yaml.Unmarshal(readFile(t, p), &es); err != nil {
			t.Fatal(err)
		}
		sec := res.Plan.Secret(es.Spec.Target.Name)
		if sec == nil {
			t.Fatalf("%s targets %s, which the values do not reference", p, es.Spec.Target.Name)
		}
		for _, d := range es.Spec.Data {
			got, err := c.KVv2("secret").Get(context.Background(), d.RemoteRef.Key)
			if err != nil {
				t.Fatalf("ESO cannot read %s: %v", d.RemoteRef.Key, err)
			}
			want, _ := sec.Get(d.SecretKey)
			if got.Data[d.RemoteRef.Property] != want.Value.Reveal() {
				t.Errorf("%s key %s: the manager holds a different value", sec.Name, d.SecretKey)
			}
		}
	}
}

func snapshot(t *testing.T, roots []string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, r := range roots {
		_ = filepath.Walk(r, func(p string, fi os.FileInfo, err error) error {
			if err == nil && !fi.IsDir() {
				m[p] = fi.Mode().String() + " " + string(readFile(t, p))
			}
			return nil
		})
	}
	return m
}

func statusOf(err error) int {
	if re, ok := err.(*api.ResponseError); ok {
		return re.StatusCode
	}
	if err != nil && strings.Contains(err.Error(), "Code: 403") {
		return http.StatusForbidden
	}
	return 0
}
