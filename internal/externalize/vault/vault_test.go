package vault_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/vault/api"

	"github.com/airlockhq/airlock/internal/externalize/policy"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/externalize/vault"
	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
	"github.com/airlockhq/airlock/internal/redact"
)

// client returns a client for the dev server with token.
func client(t *testing.T, srv *vaulttest.Server, token string) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = srv.Addr
	cfg.MaxRetries = 0
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(token)
	return c
}

func testSecrets() []*remote.Secret {
	ss := []*remote.Secret{
		{Name: "airflow/database", Readers: []string{"scheduler", "web"},
			Props: []remote.Prop{{Key: "postgresql-password", Value: redact.New("Pg-Pr0d-Passw0rd")}}},
		{Name: "airflow/fernet-key", Readers: []string{"scheduler", "web", "workers"},
			Props: []remote.Prop{{Key: "value", Value: redact.New("generated-fernet-key-1"), Generated: true}}},
		{Name: "airflow/flower-basic-auth", Readers: []string{"flower"},
			Props: []remote.Prop{{Key: "value", Value: redact.New("admin:flower-pass")}}},
	}
	remote.Sort(ss)
	return ss
}

func identities() []policy.Identity {
	var ids []policy.Identity
	for _, n := range []string{"scheduler", "web", "workers", "flower"} {
		ids = append(ids, policy.Identity{Name: n, ServiceAccount: "airflow", Namespace: "airflow", What: "the Airflow " + n})
	}
	return ids
}

// loadPolicies writes the generated HCL files into Vault, as apply.sh does.
func loadPolicies(t *testing.T, root *api.Client, files []policy.File) {
	t.Helper()
	for _, f := range files {
		if filepath.Ext(f.Path) != ".hcl" {
			continue
		}
		name := filepath.Base(f.Path[:len(f.Path)-len(".hcl")])
		if err := root.Sys().PutPolicy(name, string(f.Data)); err != nil {
			t.Fatalf("vault rejected the generated policy %s: %v", f.Path, err)
		}
	}
}

// tokenWith creates a token carrying only the named policy (no default
// policy), standing in for what a Kubernetes auth login with the role
// would issue.
func tokenWith(t *testing.T, root *api.Client, pol string) string {
	t.Helper()
	sec, err := root.Auth().Token().Create(&api.TokenCreateRequest{Policies: []string{pol}, NoDefaultPolicy: true, TTL: "10m"})
	if err != nil {
		t.Fatal(err)
	}
	return sec.Auth.ClientToken
}

func statusOf(err error) int {
	var re *api.ResponseError
	if errors.As(err, &re) {
		return re.StatusCode
	}
	return 0
}

func TestPushIsIdempotentAndPoliciesAreLeastPrivilege(t *testing.T) {
	srv := vaulttest.Start(t)
	ctx := context.Background()
	root := client(t, srv, vaulttest.RootToken)
	secrets := testSecrets()
	o := policy.VaultOptions{Prefix: "airflow", Mount: "secret"}
	files, err := policy.Vault(secrets, identities(), o)
	if err != nil {
		t.Fatal(err)
	}
	loadPolicies(t, root, files)

	// Push with a token that has only the generated push policy.
	pusher := vault.New(client(t, srv, tokenWith(t, root, o.PolicyName(policy.Pusher))), "secret")
	first, err := remote.Sync(ctx, pusher, secrets, false)
	if err != nil {
		t.Fatalf("push: %v", err)
	}
	if d := cmp.Diff([3]int{4 - 1, 0, 0}, [3]int{first.Created, first.Updated, first.Unchanged}); d != "" {
		t.Errorf("first push created/updated/unchanged (-want +got):\n%s", d)
	}
	second, err := remote.Sync(ctx, pusher, secrets, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range second.Secrets {
		if o.Wrote {
			t.Errorf("second push wrote %s again", o.Name)
		}
	}
	if d := cmp.Diff([3]int{0, 0, 3}, [3]int{second.Created, second.Updated, second.Unchanged}); d != "" {
		t.Errorf("second push (-want +got):\n%s", d)
	}
	assertVersion(t, root, "airflow/database", 1)

	t.Run("readers read exactly their secrets", func(t *testing.T) {
		want := map[string]map[string]bool{
			"scheduler": {"airflow/database": true, "airflow/fernet-key": true},
			"web":       {"airflow/database": true, "airflow/fernet-key": true},
			"workers":   {"airflow/fernet-key": true},
			"flower":    {"airflow/flower-basic-auth": true},
		}
		for id, allowed := range want {
			c := client(t, srv, tokenWith(t, root, o.PolicyName(id)))
			for _, s := range secrets {
				got, err := c.KVv2("secret").Get(ctx, s.Name)
				switch {
				case allowed[s.Name] && err != nil:
					t.Errorf("%s cannot read %s, which its policy must allow: %v", id, s.Name, err)
				case allowed[s.Name]:
					for _, p := range s.Props {
						if got.Data[p.Key] != p.Value.Reveal() {
							t.Errorf("%s reads %s.%s with a different value than pushed", id, s.Name, p.Key)
						}
					}
				case statusOf(err) != http.StatusForbidden:
					t.Errorf("%s reading %s: want 403 permission denied, got %v", id, s.Name, err)
				}
			}
			_, err := c.KVv2("secret").Put(ctx, "airflow/database", map[string]any{"x": "y"})
			if statusOf(err) != http.StatusForbidden {
				t.Errorf("%s writing: want 403, got %v", id, err)
			}
		}
	})

	t.Run("changed value updates only that secret, keeps unmanaged keys and generated values", func(t *testing.T) {
		if _, err := root.KVv2("secret").Patch(ctx, "airflow/database", map[string]any{"rotated-by": "dba"}); err != nil {
			t.Fatal(err)
		}
		changed := testSecrets()
		changed[0].Props[0].Value = redact.New("New-Pg-Passw0rd")                  // airflow/database
		changed[1].Props[0].Value = redact.New("a-different-generated-fernet-key") // generated: the stored one wins
		r, err := remote.Sync(ctx, pusher, changed, false)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([3]int{0, 1, 2}, [3]int{r.Created, r.Updated, r.Unchanged}); d != "" {
			t.Errorf("(-want +got):\n%s", d)
		}
		db, err := root.KVv2("secret").Get(ctx, "airflow/database")
		if err != nil {
			t.Fatal(err)
		}
		if db.Data["postgresql-password"] != "New-Pg-Passw0rd" || db.Data["rotated-by"] != "dba" {
			t.Errorf("airflow/database holds keys %v after the update; want the new password and the unmanaged key kept", keys(db.Data))
		}
		fk, _ := root.KVv2("secret").Get(ctx, "airflow/fernet-key")
		if fk.Data["value"] != "generated-fernet-key-1" {
			t.Error("a generated value replaced the one already stored: a re-run would rotate the fernet key")
		}
	})
}

func TestWriteDetectsConcurrentChange(t *testing.T) {
	srv := vaulttest.Start(t)
	ctx := context.Background()
	root := client(t, srv, vaulttest.RootToken)
	st := vault.New(root, "secret")
	s := testSecrets()[0]
	cur, err := st.Read(ctx, s)
	if err != nil || cur.Found {
		t.Fatalf("read of a missing secret: %+v, %v", cur, err)
	}
	if _, err := root.KVv2("secret").Put(ctx, s.Name, map[string]any{"other": "x"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Write(ctx, s, map[string]any{"postgresql-password": "x"}, cur); !errors.Is(err, remote.ErrConflict) {
		t.Fatalf("write over a secret created after the read: want ErrConflict, got %v", err)
	}
	// A deleted latest version reads as absent and is recreated.
	if err := root.KVv2("secret").Delete(ctx, s.Name); err != nil {
		t.Fatal(err)
	}
	r, err := remote.Sync(ctx, st, []*remote.Secret{s}, false)
	if err != nil {
		t.Fatalf("push over a deleted version: %v", err)
	}
	if r.Created != 1 || !r.Secrets[0].New {
		t.Errorf("push over a deleted version: %+v", r.Secrets[0])
	}
}

func TestDryRunOnlyReads(t *testing.T) {
	srv := vaulttest.Start(t)
	ctx := context.Background()
	root := client(t, srv, vaulttest.RootToken)
	r, err := remote.Sync(ctx, vault.New(root, "secret"), testSecrets(), true)
	if err != nil {
		t.Fatal(err)
	}
	if r.Created != 3 {
		t.Errorf("dry run reports %d created, want 3", r.Created)
	}
	if _, err := root.KVv2("secret").Get(ctx, "airflow/database"); !errors.Is(err, api.ErrSecretNotFound) {
		t.Errorf("dry run wrote a secret: %v", err)
	}
}

func TestNewClientNeedsToken(t *testing.T) {
	t.Setenv("VAULT_TOKEN", "")
	t.Setenv("HOME", t.TempDir())
	if _, err := vault.NewClient("http://127.0.0.1:1"); err == nil {
		t.Error("a client without any token was accepted")
	}
	if err := os.WriteFile(filepath.Join(os.Getenv("HOME"), ".vault-token"), []byte("s.tok"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.NewClient("http://127.0.0.1:1"); err != nil {
		t.Errorf("the CLI's token file is not used: %v", err)
	}
}

func assertVersion(t *testing.T, c *api.Client, name string, want int) {
	t.Helper()
	m, err := c.KVv2("secret").GetMetadata(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	if m.CurrentVersion != want {
		t.Errorf("%s is at version %d, want %d (an unchanged push must not write)", name, m.CurrentVersion, want)
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
