package audit_test

import (
	"testing"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/scan"
)

// TestRules: every audit rule has valid metadata, and no id collides with
// a scan rule (release findings carry scan ids; config files name both).
func TestRules(t *testing.T) {
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range audit.Rules() {
		if err := m.Validate(); err != nil {
			t.Error(err)
		}
		if _, clash := reg.Lookup(m.ID); clash || seen[m.ID] {
			t.Errorf("rule id %s is not unique", m.ID)
		}
		seen[m.ID] = true
		if audit.Meta(m.ID).Title != m.Title {
			t.Errorf("Meta(%s) does not find the rule", m.ID)
		}
	}
}

func TestObjectURI(t *testing.T) {
	tests := []struct {
		o    audit.Object
		want string
	}{
		{audit.Object{Kind: audit.HelmRelease, Namespace: "data", Name: "airflow"}, "helm-release://data/airflow"},
		{audit.Object{Kind: "Secret", Namespace: "data", Name: "db"}, "k8s://data/Secret/db"},
		{audit.Object{Kind: "Group", Name: "ops"}, "k8s:///Group/ops"},
	}
	for _, tt := range tests {
		if got := tt.o.URI(); got != tt.want {
			t.Errorf("%v.URI() = %s, want %s", tt.o, got, tt.want)
		}
	}
}
