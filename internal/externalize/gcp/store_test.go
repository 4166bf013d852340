package gcp_test

import (
	"context"
	"hash/crc32"
	"net"
	"strings"
	"sync"
	"testing"

	"cloud.google.com/go/secretmanager/apiv1/secretmanagerpb"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/api/option"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"

	"github.com/airlockhq/airlock/internal/externalize/gcp"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/redact"
)

// fake is a local gRPC Secret Manager: no Google endpoint can run here,
// so this checks the requests the official client sends over a real
// gRPC connection (names, replication, CRC32C) and answers like the
// service.
type fake struct {
	secretmanagerpb.UnimplementedSecretManagerServiceServer
	mu       sync.Mutex
	secrets  map[string]bool
	versions map[string][]string
	calls    []string
	t        *testing.T
}

func (f *fake) AccessSecretVersion(_ context.Context, r *secretmanagerpb.AccessSecretVersionRequest) (*secretmanagerpb.AccessSecretVersionResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "access")
	name := strings.TrimSuffix(r.GetName(), "/versions/latest")
	vs := f.versions[name]
	if len(vs) == 0 {
		return nil, status.Error(codes.NotFound, "not found")
	}
	return &secretmanagerpb.AccessSecretVersionResponse{Name: r.GetName(), Payload: &secretmanagerpb.SecretPayload{Data: []byte(vs[len(vs)-1])}}, nil
}

func (f *fake) CreateSecret(_ context.Context, r *secretmanagerpb.CreateSecretRequest) (*secretmanagerpb.Secret, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "create")
	if r.GetParent() != "projects/my-project" || r.GetSecret().GetReplication().GetAutomatic() == nil {
		f.t.Errorf("CreateSecret: parent %q, replication %v", r.GetParent(), r.GetSecret().GetReplication())
	}
	name := r.GetParent() + "/secrets/" + r.GetSecretId()
	if f.secrets[name] {
		return nil, status.Error(codes.AlreadyExists, "exists")
	}
	f.secrets[name] = true
	return &secretmanagerpb.Secret{Name: name}, nil
}

func (f *fake) AddSecretVersion(_ context.Context, r *secretmanagerpb.AddSecretVersionRequest) (*secretmanagerpb.SecretVersion, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, "add")
	if !f.secrets[r.GetParent()] {
		return nil, status.Error(codes.NotFound, "no secret")
	}
	data := r.GetPayload().GetData()
	if want := int64(crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli))); r.GetPayload().DataCrc32C == nil || *r.GetPayload().DataCrc32C != want {
		return nil, status.Error(codes.InvalidArgument, "checksum mismatch")
	}
	f.versions[r.GetParent()] = append(f.versions[r.GetParent()], string(data))
	return &secretmanagerpb.SecretVersion{Name: r.GetParent() + "/versions/1"}, nil
}

func TestPushThroughTheClient(t *testing.T) {
	f := &fake{secrets: map[string]bool{}, versions: map[string][]string{}, t: t}
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := grpc.NewServer()
	secretmanagerpb.RegisterSecretManagerServiceServer(srv, f)
	go func() { _ = srv.Serve(lis) }()
	t.Cleanup(srv.Stop)
	ctx := context.Background()
	store, err := gcp.New(ctx, "my-project", option.WithEndpoint(lis.Addr().String()), option.WithoutAuthentication(),
		option.WithGRPCDialOption(grpc.WithTransportCredentials(insecure.NewCredentials())))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	secrets := []*remote.Secret{
		{Name: "airflow-database", Props: []remote.Prop{{Key: "postgresql-password", Value: redact.New("Pg-pass")}}},
		{Name: "airflow-variables-slack_token", Raw: true, Props: []remote.Prop{{Key: "value", Value: redact.New("xoxb-1")}}},
	}
	r, err := remote.Sync(ctx, store, secrets, false)
	if err != nil || r.Created != 2 {
		t.Fatalf("push: %+v, %v", r, err)
	}
	want := map[string][]string{"projects/my-project/secrets/airflow-database": {`{"postgresql-password":"Pg-pass"}`},
		"projects/my-project/secrets/airflow-variables-slack_token": {"xoxb-1"}}
	if d := cmp.Diff(want, f.versions); d != "" {
		t.Errorf("versions (-want +got):\n%s", d)
	}
	f.calls = nil
	if r, err = remote.Sync(ctx, store, secrets, false); err != nil || r.Created+r.Updated != 0 {
		t.Fatalf("second push: %+v, %v", r, err)
	}
	if d := cmp.Diff([]string{"access", "access"}, f.calls); d != "" {
		t.Errorf("an unchanged push must only read (-want +got):\n%s", d)
	}
	secrets[0].Props[0].Value = redact.New("rotated")
	if r, err = remote.Sync(ctx, store, secrets, false); err != nil || r.Updated != 1 || len(f.versions["projects/my-project/secrets/airflow-database"]) != 2 {
		t.Fatalf("update: %+v, %v", r, err)
	}
}
