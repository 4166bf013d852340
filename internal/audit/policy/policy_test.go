package policy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func load(t *testing.T, path string) (policy.Policy, error) {
	t.Helper()
	cfg, err := config.Load(path, nil)
	if err != nil {
		return policy.Policy{}, err
	}
	return policy.Decode(path, cfg.Sections["audit"])
}

func TestDecodeValid(t *testing.T) {
	p, err := load(t, filepath.Join("testdata", "valid", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := policy.Default()
	want.Rotation[policy.FernetKey] = 30 * policy.Day
	want.Rotation[policy.DatabasePassword] = 26 * 7 * policy.Day
	want.Rotation[policy.Token] = 720 * time.Hour
	want.Rotation[policy.Other] = 0
	want.Expected = []policy.Subject{{Kind: "ServiceAccount", Namespace: "external-secrets", Name: "external-secrets"},
		{Kind: "Group", Name: "platform-admins"}, {Kind: "User", Name: "airlock"}}
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("policy (-want +got):\n%s", diff)
	}
	if !p.IsExpected("ServiceAccount", "external-secrets", "external-secrets") || p.IsExpected("ServiceAccount", "other", "external-secrets") {
		t.Error("IsExpected must match service accounts by namespace and name")
	}
}

// TestDecodeInvalid: one fixture per mistake; each names its file and line.
func TestDecodeInvalid(t *testing.T) {
	tests := []struct {
		file, wantMsg string
		wantLine      int
	}{
		{file: "unknown-kind.yaml", wantMsg: `unknown kind "fernet"`, wantLine: 3},
		{file: "bad-duration.yaml", wantMsg: `bad duration "3 months"`, wantLine: 3},
		{file: "unknown-key.yaml", wantMsg: `unknown key "rotaton"`, wantLine: 2},
		{file: "bad-service-account.yaml", wantMsg: "ServiceAccount:NAMESPACE/NAME", wantLine: 3},
		{file: "bad-subject-kind.yaml", wantMsg: `bad subject kind "Robot"`, wantLine: 3},
		{file: "not-a-map.yaml", wantMsg: "audit", wantLine: 1},
		{file: "rotation-not-a-map.yaml", wantMsg: "audit", wantLine: 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "invalid", tt.file)
			_, err := load(t, path)
			var ye *yamltree.Error
			if !errors.As(err, &ye) || !errors.Is(err, yamltree.ErrInvalid) {
				t.Fatalf("want a *yamltree.Error, got %v", err)
			}
			if ye.File != path || ye.Line != tt.wantLine || !strings.Contains(ye.Msg, tt.wantMsg) {
				t.Errorf("got %s:%d: %s; want line %d and %q", ye.File, ye.Line, ye.Msg, tt.wantLine, tt.wantMsg)
			}
		})
	}
	entries, _ := os.ReadDir(filepath.Join("testdata", "invalid"))
	if len(entries) != len(tests) {
		t.Errorf("%d fixtures in testdata/invalid, %d cases", len(entries), len(tests))
	}
}

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Duration
		wantErr bool
	}{
		{in: "90d", want: 90 * policy.Day}, {in: "90", want: 90 * policy.Day}, {in: "2w", want: 14 * policy.Day},
		{in: "36h", want: 36 * time.Hour}, {in: "off"}, {in: "0"},
		{in: "-1d", wantErr: true}, {in: "1.5d", wantErr: true}, {in: "1y", wantErr: true}, {in: "", wantErr: true},
		{in: "999999d", wantErr: true},
	}
	for _, tt := range tests {
		got, err := policy.ParseLimit(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLimit(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestClassify(t *testing.T) {
	tests := []struct {
		env, key, secretType string
		want                 policy.Kind
	}{
		{env: "AIRFLOW__CORE__FERNET_KEY", key: "value", want: policy.FernetKey},
		{env: "AIRFLOW__WEBSERVER__SECRET_KEY", key: "k", want: policy.WebserverSecretKey},
		{env: "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", key: "conn", want: policy.DatabasePassword},
		{env: "DATABASE_PASSWORD", key: "postgresql-password", want: policy.DatabasePassword},
		{env: "REDIS_PASSWORD", key: "redis-password", want: policy.RedisPassword},
		{env: "AIRFLOW_CONN_WAREHOUSE", key: "uri", want: policy.Connection},
		{env: "AIRFLOW__CORE__SQL_ALCHEMY_CONN_CMD", key: "cmd", want: ""},
		{key: "fernet-key", want: policy.FernetKey},
		{key: "webserver-secret-key", want: policy.WebserverSecretKey},
		{key: "postgresql-password", want: policy.DatabasePassword},
		{key: "redis-password", want: policy.RedisPassword},
		{key: "id_rsa", want: policy.SSHKey},
		{key: "gitSshKey", want: policy.SSHKey},
		{key: "api-token", want: policy.Token},
		{key: "password", want: policy.Other},
		{key: "tls.crt", secretType: "kubernetes.io/tls", want: policy.TLS},
		{key: ".dockerconfigjson", secretType: "kubernetes.io/dockerconfigjson", want: policy.Registry},
		{key: "username", want: ""},
		{key: "redis-host", want: ""},
		{env: "DATABASE_USER", key: "user", want: ""},
	}
	for _, tt := range tests {
		if got := policy.Classify(tt.env, tt.key, tt.secretType); got != tt.want {
			t.Errorf("Classify(%q, %q, %q) = %q, want %q", tt.env, tt.key, tt.secretType, got, tt.want)
		}
	}
}

func FuzzParseLimit(f *testing.F) {
	for _, s := range []string{"90d", "off", "12w", "1h", "x", "9999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := policy.ParseLimit(s)
		if err == nil && (d < 0 || d > 100*365*policy.Day) {
			t.Errorf("ParseLimit(%q) = %v out of range", s, d)
		}
	})
}

// FuzzDecode feeds arbitrary YAML to the audit section decoder: it may
// refuse, never panic, and what it accepts is in range.
func FuzzDecode(f *testing.F) {
	entries, _ := filepath.Glob(filepath.Join("testdata", "*", "*.yaml"))
	for _, e := range entries {
		data, _ := os.ReadFile(e)
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := config.Parse("fuzz.yaml", data, nil)
		if err != nil {
			return
		}
		p, err := policy.Decode("fuzz.yaml", cfg.Sections["audit"])
		if err != nil {
			return
		}
		for k, d := range p.Rotation {
			if d < 0 {
				t.Errorf("%s: negative limit %v", k, d)
			}
		}
	})
}
