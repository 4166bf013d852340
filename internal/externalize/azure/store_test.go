package azure_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/security/keyvault/azsecrets"
	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize/azure"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/redact"
)

// token is a fixed credential: the stub only checks that the SDK sends it
// after the service's authentication challenge.
type token struct{}

func (token) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "test-token", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// stub is a local stand-in for the Key Vault REST API over TLS: no Azure
// endpoint can run here, so this checks what the official SDK sends (the
// challenge-then-bearer flow, paths, api-version, bodies) and answers
// like the service.
type stub struct {
	mu      sync.Mutex
	secrets map[string]string
	calls   []string
	t       *testing.T
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer test-token" {
		w.Header().Set("WWW-Authenticate", `Bearer authorization="https://login.microsoftonline.com/tenant", resource="https://vault.azure.net"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		s.t.Errorf("%s %s without api-version", r.Method, r.URL.Path)
	}
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, "/secrets/"), "/")
	s.calls = append(s.calls, r.Method)
	w.Header().Set("Content-Type", "application/json")
	switch r.Method {
	case http.MethodGet:
		v, ok := s.secrets[name]
		if !ok {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":{"code":"SecretNotFound","message":"stub"}}`))
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"value": v, "id": "https://" + r.Host + "/secrets/" + name + "/1"})
	case http.MethodPut:
		var in struct{ Value string }
		body, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(body, &in); err != nil {
			s.t.Error("PUT body is not JSON")
		}
		s.secrets[name] = in.Value
		_ = json.NewEncoder(w).Encode(map[string]any{"value": in.Value, "id": "https://" + r.Host + "/secrets/" + name + "/2"})
	default:
		s.t.Errorf("unexpected %s", r.Method)
	}
}

func TestPushThroughTheSDK(t *testing.T) {
	st := &stub{secrets: map[string]string{}, t: t}
	srv := httptest.NewTLSServer(st)
	t.Cleanup(srv.Close)
	store, err := azure.New(srv.URL, token{}, &azsecrets.ClientOptions{DisableChallengeResourceVerification: true,
		ClientOptions: azcore.ClientOptions{Transport: srv.Client(), Retry: policy.RetryOptions{MaxRetries: -1}}})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	secrets := []*remote.Secret{
		{Name: "airflow-connections-warehouse", Props: []remote.Prop{{Key: "conn_type", Value: redact.New("postgres")}, {Key: "password", Value: redact.New("Wh-pass")}}},
		{Name: "airflow-variables-slack-token", Raw: true, Props: []remote.Prop{{Key: "value", Value: redact.New("xoxb-1")}}},
	}
	r, err := remote.Sync(ctx, store, secrets, false)
	if err != nil || r.Created != 3 {
		t.Fatalf("push: %+v, %v", r, err)
	}
	want := map[string]string{"airflow-connections-warehouse": `{"conn_type":"postgres","password":"Wh-pass"}`, "airflow-variables-slack-token": "xoxb-1"}
	if d := cmp.Diff(want, st.secrets); d != "" {
		t.Errorf("stored (-want +got):\n%s", d)
	}
	st.calls = nil
	if r, err = remote.Sync(ctx, store, secrets, false); err != nil || r.Created+r.Updated != 0 {
		t.Fatalf("second push: %+v, %v", r, err)
	}
	if d := cmp.Diff([]string{"GET", "GET"}, st.calls); d != "" {
		t.Errorf("an unchanged push must only read (-want +got):\n%s", d)
	}
}
