package vault_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/airlockhq/airlock/internal/externalize/policy"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/externalize/vault"
	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
	"github.com/airlockhq/airlock/internal/testcluster"
)

// kube is a minimal client for the test API server.
type kube struct {
	c     *testcluster.Cluster
	http  *http.Client
	token string
	caPEM string
}

func newKube(t *testing.T, c *testcluster.Cluster) *kube {
	t.Helper()
	ca, err := os.ReadFile(c.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	return &kube{c: c, token: c.Token(testcluster.Admin), caPEM: string(ca),
		http: &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}}
}

func (k *kube) post(t *testing.T, path string, body any, out any) {
	t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, k.c.Server+path, bytes.NewReader(data))
	req.Header.Set("Authorization", "Bearer "+k.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := k.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("POST %s: %s: %s", path, resp.Status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatal(err)
		}
	}
}

// serviceAccountToken creates ns/sa and returns a token for it from the
// TokenRequest API, as the kubelet projects into a pod.
func (k *kube) serviceAccountToken(t *testing.T, ns, sa string) string {
	t.Helper()
	k.post(t, "/api/v1/namespaces/"+ns+"/serviceaccounts", map[string]any{"metadata": map[string]any{"name": sa}}, nil)
	var tr struct {
		Status struct{ Token string } `json:"status"`
	}
	k.post(t, "/api/v1/namespaces/"+ns+"/serviceaccounts/"+sa+"/token", map[string]any{"spec": map[string]any{"expirationSeconds": 600}}, &tr)
	return tr.Status.Token
}

// TestKubernetesAuthRoles exercises the generated roles end to end: Vault's
// Kubernetes auth method validates real ServiceAccount tokens against a
// real kube-apiserver (TokenReview), and the token a role issues reads
// exactly what the role's policy allows.
func TestKubernetesAuthRoles(t *testing.T) {
	srv := vaulttest.Start(t)
	ctx := context.Background()
	kc, err := testcluster.Start(ctx, testcluster.Options{})
	if errors.Is(err, testcluster.ErrNoBinaries) && !testcluster.Required() {
		t.Skipf("no test cluster: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Stop)
	k := newKube(t, kc)
	k.post(t, "/api/v1/namespaces", map[string]any{"metadata": map[string]any{"name": "airflow"}}, nil)
	jwt := k.serviceAccountToken(t, "airflow", "airflow")
	strangerJWT := k.serviceAccountToken(t, "airflow", "stranger")

	root := client(t, srv, vaulttest.RootToken)
	if err := root.Sys().EnableAuthWithOptions("kubernetes", &api.EnableAuthOptions{Type: "kubernetes"}); err != nil {
		t.Fatal(err)
	}
	if _, err := root.Logical().Write("auth/kubernetes/config", map[string]any{
		"kubernetes_host": kc.Server, "kubernetes_ca_cert": k.caPEM,
		"token_reviewer_jwt": k.token, "disable_local_ca_jwt": true,
	}); err != nil {
		t.Fatal(err)
	}
	secrets := testSecrets()
	o := policy.VaultOptions{Prefix: "airflow"}
	files, err := policy.Vault(secrets, identities(), o)
	if err != nil {
		t.Fatal(err)
	}
	loadPolicies(t, root, files)
	loadRoles(t, root, files)
	if _, err := remote.Sync(ctx, vault.New(root, "secret"), secrets, false); err != nil {
		t.Fatal(err)
	}

	login := func(role, jwt string) (*api.Client, error) {
		c := client(t, srv, "")
		sec, err := c.Logical().Write("auth/kubernetes/login", map[string]any{"role": role, "jwt": jwt})
		if err != nil {
			return nil, err
		}
		c.SetToken(sec.Auth.ClientToken)
		return c, nil
	}
	workers, err := login("airflow-workers", jwt)
	if err != nil {
		t.Fatalf("the airflow ServiceAccount cannot log in with the generated workers role: %v", err)
	}
	if _, err := workers.KVv2("secret").Get(ctx, "airflow/fernet-key"); err != nil {
		t.Errorf("workers cannot read the fernet key through their role: %v", err)
	}
	if _, err := workers.KVv2("secret").Get(ctx, "airflow/database"); statusOf(err) != http.StatusForbidden {
		t.Errorf("workers reading airflow/database: want 403, got %v", err)
	}
	if _, err := login("airflow-workers", strangerJWT); err == nil {
		t.Error("a ServiceAccount the role does not bind logged in")
	}
}

// loadRoles writes the generated role files, as apply.sh does.
func loadRoles(t *testing.T, root *api.Client, files []policy.File) {
	t.Helper()
	n := 0
	for _, f := range files {
		if !strings.HasPrefix(f.Path, "vault/roles/") {
			continue
		}
		var body map[string]any
		if err := json.Unmarshal(f.Data, &body); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(f.Path, "vault/roles/"), ".json")
		if _, err := root.Logical().Write(fmt.Sprintf("auth/kubernetes/role/%s", name), body); err != nil {
			t.Fatalf("vault rejected the generated role %s: %v", f.Path, err)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no role files generated")
	}
}
