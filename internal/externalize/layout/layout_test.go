package layout_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize/layout"
)

func TestNames(t *testing.T) {
	tests := []struct {
		p                         layout.Provider
		component, conn, variable string
		config                    string
	}{
		{layout.Vault, "airflow/database", "airflow/connections/my_db", "airflow/variables/slack_token", "airflow/config/core_fernet_key"},
		{layout.AWS, "airflow/database", "airflow/connections/my_db", "airflow/variables/slack_token", "airflow/config/core_fernet_key"},
		{layout.GCP, "airflow-database", "airflow-connections-my_db", "airflow-variables-slack_token", "airflow-config-core_fernet_key"},
		// Airflow's Azure backend turns every "_" into "-".
		{layout.Azure, "airflow-database", "airflow-connections-my-db", "airflow-variables-slack-token", "airflow-config-core-fernet-key"},
	}
	for _, tt := range tests {
		l := layout.Layout{Provider: tt.p, Prefix: "airflow"}
		got := []string{l.Component("database"), l.Connection("my_db"), l.Variable("slack_token"), l.Config("core_fernet_key")}
		if d := cmp.Diff([]string{tt.component, tt.conn, tt.variable, tt.config}, got); d != "" {
			t.Errorf("%s (-want +got):\n%s", tt.p, d)
		}
		for _, n := range got {
			if err := l.Check(n); err != nil {
				t.Errorf("%s: its own name is invalid: %v", tt.p, err)
			}
		}
	}
}

func TestCheck(t *testing.T) {
	tests := []struct {
		p    layout.Provider
		name string
		ok   bool
	}{
		{layout.Vault, "airflow/connections/a.b-c", true},
		{layout.Vault, "airflow/connections/*", false}, // a policy glob
		{layout.Vault, "airflow/../sys", false},
		{layout.Vault, "airflow//x", false},
		{layout.AWS, "airflow/connections/a+b=c@d", true},
		{layout.AWS, "airflow/connections/a b", false},
		{layout.GCP, "airflow-connections-a.b", false},
		{layout.GCP, "airflow-connections-a_b", true},
		{layout.Azure, "airflow-connections-a_b", false},
		{layout.Azure, "airflow-connections-a-b", true},
	}
	for _, tt := range tests {
		err := layout.Layout{Provider: tt.p}.Check(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("%s %q: error %v, want ok=%v", tt.p, tt.name, err, tt.ok)
		}
	}
}
