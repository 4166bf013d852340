package backend_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize/backend"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func item(t *testing.T, text string) *yamltree.Node {
	t.Helper()
	f, err := yamltree.Parse(&yamltree.Source{Name: "v.yaml", Kind: yamltree.User}, []byte(text), yamltree.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return f.First()
}

func TestConnection(t *testing.T) {
	tests := []struct {
		name      string
		item      string
		templates map[string]bool
		want      []backend.Field
		why       string
	}{
		{"fields", "{id: wh, type: postgres, host: h, port: 5432, login: u, password: 'p$$w', schema: s}", nil,
			[]backend.Field{{"conn_type", "postgres"}, {"host", "h"}, {"login", "u"}, {"password", "p$$w"}, {"port", "5432"}, {"schema", "s"}}, ""},
		// With templates defined the chart's sync expands $$ to $.
		{"escaped dollar", "{id: wh, type: http, password: 'p$$w'}", map[string]bool{"OTHER": true},
			[]backend.Field{{"conn_type", "http"}, {"password", "p$w"}}, ""},
		{"template", "{id: wh, type: http, password: '${PW}'}", map[string]bool{"PW": true}, nil, "template"},
		{"unknown key", "{id: wh, type: http, uri: x}", nil, nil, "unknown key"},
		{"no id", "{type: http}", nil, nil, "no id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got, why := backend.Connection(item(t, tt.item), tt.templates)
			if tt.why != "" {
				if !strings.Contains(why, tt.why) {
					t.Errorf("why %q, want %q", why, tt.why)
				}
				return
			}
			if d := cmp.Diff(tt.want, got); d != "" || why != "" {
				t.Errorf("(-want +got):\n%s%s", d, why)
			}
		})
	}
}

func TestConfigHasNoCredential(t *testing.T) {
	for _, p := range layout.Providers {
		o := backend.Options{Layout: layout.Layout{Provider: p, Prefix: "airflow"}, VaultURL: "https://vault:8200", VaultMount: "secret",
			VaultRole: "airflow-backend", AWSRegion: "eu-west-1", GCPProject: "p", AzureVaultURL: "https://kv.vault.azure.net/"}
		class, kw, err := backend.Config(o)
		if err != nil || class != backend.Classes[p] {
			t.Fatalf("%s: %s %v", p, class, err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(kw), &m); err != nil {
			t.Fatal(err)
		}
		for k := range m {
			if strings.Contains(k, "token") || strings.Contains(k, "secret") || strings.Contains(k, "password") || strings.Contains(k, "key") {
				t.Errorf("%s: backend_kwargs has %s", p, k)
			}
		}
		if m["connections_path"] == nil && m["connections_prefix"] == nil {
			t.Errorf("%s: no connections prefix in %s", p, kw)
		}
	}
}
