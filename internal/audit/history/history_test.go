package history_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/history"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// values builds user values; safe are settings that keep the chart's
// public defaults out of effect, so each case shows only what it adds.
func values(extra map[string]any) map[string]any {
	v := map[string]any{
		"postgresql": map[string]any{"enabled": false},
		"redis":      map[string]any{"enabled": false},
		"airflow": map[string]any{
			"executor": "KubernetesExecutor",
			"users":    []any{},
			"extraEnv": []any{
				map[string]any{"name": "AIRFLOW__CORE__FERNET_KEY", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "keys", "key": "fernet"}}},
				map[string]any{"name": "AIRFLOW__WEBSERVER__SECRET_KEY", "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "keys", "key": "web"}}},
			},
		},
		"externalDatabase": map[string]any{"host": "db.example.internal", "passwordSecret": "db", "passwordSecretKey": "password"},
	}
	for k, x := range extra {
		v[k] = x
	}
	return v
}

func day(d int) time.Time { return time.Date(2026, 3, d, 10, 0, 0, 0, time.UTC) }

// brief is what a test compares: enough to pin behaviour, nothing volatile.
type brief struct {
	Rule, Path, Origin string
	Revisions          string
	InCurrent          bool
	Value              string
}

func briefs(fs []audit.Finding) []brief {
	var out []brief
	for _, f := range fs {
		b := brief{Rule: f.RuleID, Path: f.Path, Origin: f.Origin, Value: f.Secret.Mask()}
		if f.Release != nil {
			var revs []string
			for _, r := range f.Release.Revisions {
				revs = append(revs, fmt.Sprint(r.Revision))
			}
			b.Revisions, b.InCurrent = strings.Join(revs, ","), f.Release.InCurrent
		}
		out = append(out, b)
	}
	return out
}

func TestScanMergesRevisions(t *testing.T) {
	c, err := chart.Load(context.Background(), testfixture.ChartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	rev := func(n int, status string, v map[string]any) cluster.Release {
		return cluster.Release{Name: "airflow", Namespace: "data", Revision: n, Status: status, Deployed: day(n), Values: v,
			ChartValues: c.Helm.Values, Chart: cluster.ChartMeta{Name: "airflow", Version: "8.9.0"}, Storage: cluster.SecretStorage}
	}
	leaked := values(map[string]any{"externalDatabase": map[string]any{"host": "db", "password": "Pl4in-Db-Pass-9931"}})
	rotated := values(map[string]any{"externalDatabase": map[string]any{"host": "db", "password": "Rot4ted-Db-Pass-1177"}})
	defaults := values(nil)
	delete(defaults["airflow"].(map[string]any), "extraEnv")

	tests := []struct {
		name string
		rels []cluster.Release
		want []brief
	}{
		{
			name: "password removed later stays in history",
			rels: []cluster.Release{rev(1, "superseded", leaked), rev(2, "superseded", leaked), rev(3, "deployed", values(nil))},
			want: []brief{{Rule: "database-password", Path: "externalDatabase.password", Origin: "release-history", Revisions: "1,2", Value: "Pl*** (18 chars)"}},
		},
		{
			name: "rotated value is a second finding; the newest is current",
			rels: []cluster.Release{rev(1, "superseded", leaked), rev(2, "deployed", rotated)},
			want: []brief{
				{Rule: "database-password", Path: "externalDatabase.password", Origin: "release-history", Revisions: "1", Value: "Pl*** (18 chars)"},
				{Rule: "database-password", Path: "externalDatabase.password", Origin: "release-current", Revisions: "2", InCurrent: true, Value: "Ro*** (20 chars)"},
			},
		},
		{
			name: "failed newest revision: the deployed one is current",
			rels: []cluster.Release{rev(1, "deployed", values(nil)), rev(2, "failed", leaked)},
			want: []brief{{Rule: "database-password", Path: "externalDatabase.password", Origin: "release-history", Revisions: "2", Value: "Pl*** (18 chars)"}},
		},
		{
			name: "public defaults count only in the deployed revision",
			rels: []cluster.Release{rev(1, "superseded", defaults), rev(2, "deployed", values(nil))},
			want: nil,
		},
		{
			name: "public defaults in effect in the deployed revision",
			rels: []cluster.Release{rev(1, "deployed", defaults)},
			want: []brief{
				{Rule: "insecure-default-fernet-key", Path: "airflow.fernetKey", Origin: "release-current", Revisions: "1", InCurrent: true, Value: "7T*** (44 chars)"},
				{Rule: "insecure-default-webserver-secret-key", Path: "airflow.webserverSecretKey", Origin: "release-current", Revisions: "1", InCurrent: true, Value: "TH*** (15 chars)"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, problems := history.Scan(context.Background(), tt.rels, history.Options{Registry: reg})
			if len(problems) > 0 {
				t.Fatalf("problems: %v", problems)
			}
			if diff := cmp.Diff(tt.want, briefs(res.Findings)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
			for _, f := range res.Findings {
				if !f.Loc.IsZero() || f.Fingerprint == "" || f.Object.URI() != "helm-release://data/airflow" {
					t.Errorf("%s: location %+v fingerprint %q object %s", f.RuleID, f.Loc, f.Fingerprint, f.Object.URI())
				}
				if strings.Contains(f.Message, "Pl4in") || strings.Contains(f.Remediation, "Pl4in") {
					t.Errorf("secret leaked into message: %s", f.Message)
				}
			}
			if len(res.Releases) != 1 || res.Releases[0].Revisions != len(tt.rels) {
				t.Errorf("release summaries: %+v", res.Releases)
			}
		})
	}
}
