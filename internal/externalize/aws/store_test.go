package aws_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	sdkaws "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize/aws"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/redact"
)

// stub is a local stand-in for the Secrets Manager JSON 1.1 API: no AWS
// endpoint can run here, so this checks what the official SDK sends
// (operation, SigV4 signature scope, body) and answers like the service.
type stub struct {
	mu      sync.Mutex
	secrets map[string]string
	calls   []string
	t       *testing.T
}

func (s *stub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "secretsmanager.")
	s.calls = append(s.calls, op)
	if auth := r.Header.Get("Authorization"); !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/eu-west-1/secretsmanager/aws4_request") {
		s.t.Errorf("%s: not signed for secretsmanager in eu-west-1: %q", op, auth)
	}
	var in struct{ SecretId, Name, SecretString string }
	body, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(body, &in); err != nil {
		s.t.Errorf("%s: body is not JSON", op)
	}
	fail := func(kind string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"__type":"` + kind + `","message":"stub"}`))
	}
	reply := func(v any) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_ = json.NewEncoder(w).Encode(v)
	}
	switch op {
	case "GetSecretValue":
		v, ok := s.secrets[in.SecretId]
		if !ok {
			fail("ResourceNotFoundException")
			return
		}
		reply(map[string]any{"Name": in.SecretId, "SecretString": v, "VersionId": "v"})
	case "CreateSecret":
		if _, ok := s.secrets[in.Name]; ok {
			fail("ResourceExistsException")
			return
		}
		s.secrets[in.Name] = in.SecretString
		reply(map[string]any{"Name": in.Name, "ARN": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:" + in.Name + "-AbCdEf"})
	case "PutSecretValue":
		if _, ok := s.secrets[in.SecretId]; !ok {
			fail("ResourceNotFoundException")
			return
		}
		s.secrets[in.SecretId] = in.SecretString
		reply(map[string]any{"Name": in.SecretId, "VersionId": "v2"})
	default:
		s.t.Errorf("unexpected operation %q", op)
		fail("InvalidRequestException")
	}
}

func client(t *testing.T) (*aws.Store, *stub) {
	st := &stub{secrets: map[string]string{}, t: t}
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	cfg := sdkaws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "test-secret-key", ""),
		RetryMaxAttempts: 1}
	c := secretsmanager.NewFromConfig(cfg, func(o *secretsmanager.Options) { o.BaseEndpoint = sdkaws.String(srv.URL) })
	return aws.New(c), st
}

func TestPushThroughTheSDK(t *testing.T) {
	store, st := client(t)
	ctx := context.Background()
	secrets := []*remote.Secret{
		{Name: "airflow/connections/warehouse", Props: []remote.Prop{{Key: "conn_type", Value: redact.New("postgres")}, {Key: "password", Value: redact.New("Wh-pass")}}},
		{Name: "airflow/variables/slack_token", Raw: true, Props: []remote.Prop{{Key: "value", Value: redact.New("xoxb-1")}}},
	}
	r, err := remote.Sync(ctx, store, secrets, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.Created != 3 {
		t.Errorf("created %d properties, want 3", r.Created)
	}
	want := map[string]string{"airflow/connections/warehouse": `{"conn_type":"postgres","password":"Wh-pass"}`, "airflow/variables/slack_token": "xoxb-1"}
	if d := cmp.Diff(want, st.secrets); d != "" {
		t.Errorf("stored (-want +got):\n%s", d)
	}
	st.calls = nil
	if r, err = remote.Sync(ctx, store, secrets, false); err != nil || r.Created+r.Updated != 0 {
		t.Fatalf("second push: %+v, %v", r, err)
	}
	if d := cmp.Diff([]string{"GetSecretValue", "GetSecretValue"}, st.calls); d != "" {
		t.Errorf("an unchanged push must only read (-want +got):\n%s", d)
	}
	secrets[0].Props[1].Value = redact.New("rotated")
	st.secrets["airflow/connections/warehouse"] = `{"conn_type":"postgres","password":"Wh-pass","extra_key":"kept"}`
	if r, err = remote.Sync(ctx, store, secrets, false); err != nil || r.Updated != 1 {
		t.Fatalf("update: %+v, %v", r, err)
	}
	if got := st.secrets["airflow/connections/warehouse"]; got != `{"conn_type":"postgres","extra_key":"kept","password":"rotated"}` {
		t.Errorf("after the update the secret holds %d bytes in another shape", len(got))
	}
	st.secrets["airflow/connections/warehouse"] = "not json"
	if _, err := remote.Sync(ctx, store, secrets, false); err == nil || strings.Contains(err.Error(), "rotated") {
		t.Errorf("a non-JSON secret must be refused without showing values: %v", err)
	}
}
