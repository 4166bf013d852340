package externalize_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize"
	"github.com/airlockhq/airlock/internal/externalize/vault"
	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// TestBackendModeAgainstVault externalizes testdata/backend in
// airflow-backend mode with a push to a real Vault dev server, renders
// the real chart, and reads back, with the token the backend's generated
// policy gives, every connection and variable at the path Airflow's
// VaultBackend reads (<mount>/<connections_path>/<id>) with the fields a
// Connection takes; the backend role is refused what goes the eso way.
func TestBackendModeAgainstVault(t *testing.T) {
	chartDir := testfixture.ChartDir(t)
	srv := vaulttest.Start(t)
	root := vaultClient(t, srv, vaulttest.RootToken)
	ctx := context.Background()
	files := copyValues(t, "testdata/backend")
	out := t.TempDir()
	res, err := externalize.Run(ctx, externalize.Options{Values: files, Chart: chartDir, Provider: "vault", Mode: externalize.ModeBackend,
		Push: true, Store: vault.New(root, "secret"), Vault: externalize.VaultOptions{Addr: "http://vault.vault:8200"}, Out: out, Rand: &counter{}})
	if err != nil {
		t.Fatal(err)
	}
	set := renderChart(t, chartDir, files)
	cfg := map[string]string{}
	for _, s := range set.Secrets {
		if strings.HasSuffix(s.Name, "-config-envs") {
			for _, k := range s.Keys {
				cfg[k.Name] = k.Value.Reveal()
			}
		}
	}
	if cfg["AIRFLOW__SECRETS__BACKEND"] != "airflow.providers.hashicorp.secrets.vault.VaultBackend" {
		t.Fatalf("the chart's config Secret has no Vault backend: %q", cfg["AIRFLOW__SECRETS__BACKEND"])
	}
	var kw map[string]any
	if err := json.Unmarshal([]byte(cfg["AIRFLOW__SECRETS__BACKEND_KWARGS"]), &kw); err != nil {
		t.Fatalf("backend_kwargs is not JSON: %v", err)
	}
	for k := range kw {
		if strings.Contains(k, "token") || strings.Contains(k, "secret_id") || strings.Contains(k, "password") {
			t.Errorf("backend_kwargs holds a credential field %s", k)
		}
	}
	if kw["auth_type"] != "kubernetes" || kw["kubernetes_role"] != "airflow-backend" {
		t.Errorf("backend_kwargs auth: %v / %v", kw["auth_type"], kw["kubernetes_role"])
	}
	for _, k := range []string{"AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__SMTP__SMTP_PASSWORD"} {
		if _, ok := cfg[k]; ok {
			t.Errorf("%s is still rendered in the config Secret", k)
		}
		if cfg[k+"_SECRET"] == "" {
			t.Errorf("%s_SECRET is not set", k)
		}
	}
	loadPolicies(t, root, out)
	c := vaultClient(t, srv, tokenFor(t, root, "airflow-backend"))
	mount := kw["mount_point"].(string)
	conn, err := c.KVv2(mount).Get(ctx, kw["connections_path"].(string)+"/warehouse")
	if err != nil {
		t.Fatalf("the backend cannot read the connection where VaultBackend looks: %v", err)
	}
	want := map[string]any{"conn_type": "postgres", "host": "warehouse.internal", "login": "etl", "password": "Wh-3tl-Passw0rd", "port": "5432", "schema": "analytics"}
	if d := cmp.Diff(want, conn.Data); d != "" {
		t.Errorf("connection fields (-want +got):\n%s", d)
	}
	v, err := c.KVv2(mount).Get(ctx, kw["variables_path"].(string)+"/slack_token")
	if err != nil || v.Data["value"] != "xoxb-not-a-real-token-but-a-secret-1234" {
		t.Errorf("variable slack_token: %v", err)
	}
	fk, err := c.KVv2(mount).Get(ctx, kw["config_path"].(string)+"/"+cfg["AIRFLOW__CORE__FERNET_KEY_SECRET"])
	if err != nil || fk.Data["value"] != "Yf3kqPZ0m4n0s4Bv1nXJp4r7zZpW9jYt2d8mQ2cE3uA=" {
		t.Errorf("the fernet key is not where AIRFLOW__CORE__FERNET_KEY_SECRET points: %v", err)
	}
	if _, err := c.KVv2(mount).Get(ctx, "airflow/users"); statusOf(err) != http.StatusForbidden {
		t.Errorf("the backend reads the users' secret, which only ESO needs: %v", err)
	}
	if len(res.Skipped) > 0 {
		t.Errorf("%d findings not moved", len(res.Skipped))
	}
}
