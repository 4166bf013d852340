package testcluster_test

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/airlockhq/airlock/internal/testcluster"
)

var kube *testcluster.Cluster

func TestMain(m *testing.M) {
	os.Exit(testcluster.Main(m, testcluster.Options{Users: []testcluster.User{{Name: "nobody"}}}, &kube))
}

// TestTokensAndRBAC checks the harness gives a verified TLS endpoint, an
// admin that may do anything and a user that RBAC denies.
func TestTokensAndRBAC(t *testing.T) {
	c := testcluster.Need(t, kube)
	pem, err := os.ReadFile(c.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("CA file %s holds no certificate", c.CAFile)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	tests := []struct {
		name, user, path string
		wantStatus       int
	}{
		{name: "admin lists secrets", user: testcluster.Admin, path: "/api/v1/secrets", wantStatus: 200},
		{name: "nobody is forbidden", user: "nobody", path: "/api/v1/secrets", wantStatus: 403},
		{name: "bad token is unauthorized", user: "", path: "/api/v1/secrets", wantStatus: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, c.Server+tt.path, nil)
			tok := "wrong"
			if tt.user != "" {
				tok = c.Token(tt.user)
			}
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.wantStatus {
				t.Errorf("GET %s as %q: %s, want %d", tt.path, tt.user, resp.Status, tt.wantStatus)
			}
		})
	}
	cfg, err := os.ReadFile(c.Kubeconfig("nobody"))
	if err != nil || !strings.Contains(string(cfg), c.Server) || !strings.Contains(string(cfg), c.Token("nobody")) {
		t.Errorf("kubeconfig for nobody does not name the server and token: %v\n%s", err, cfg)
	}
}
