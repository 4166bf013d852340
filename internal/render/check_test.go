package render_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func loadDocs(t *testing.T, name string) []*yamltree.Document {
	t.Helper()
	docs, err := render.LoadManifests(context.Background(), []string{filepath.Join("testdata", "manifests", name)})
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

// summary is what a test compares: rule, place and severity.
func summary(fs []finding.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s:%d %s %s", f.RuleID, filepath.Base(f.Loc.File), f.Loc.Line, f.Path, f.Severity))
	}
	return out
}

// TestCheckManifestsUserFiles checks manifests a user wrote (no chart, no
// values): findings point at the manifest's own lines.
func TestCheckManifestsUserFiles(t *testing.T) {
	docs := loadDocs(t, "app.yaml")
	tests := []struct {
		name string
		opts render.Options
		want []string
	}{
		{
			name: "alone",
			want: []string{
				"rendered-secret-data app.yaml:51 stringData.AIRFLOW__SMTP__SMTP_PASSWORD high",
				"rendered-configmap-secret app.yaml:43 data.BROKER_URL high",
				"rendered-env-secret app.yaml:18 spec.template.spec.containers[0].env[0].value high",
				"rendered-env-secret app.yaml:20 spec.template.spec.containers[0].env[1].value high",
				"dangling-secret-ref app.yaml:26 spec.template.spec.containers[0].env[3].valueFrom.secretKeyRef high",
				"dangling-secret-ref app.yaml:36 spec.template.spec.volumes[0].secret high",
				"cmd-config-shadowed app.yaml:19 spec.template.spec.containers[0].env[1] medium",
				"rbac-secrets-read app.yaml:62 rules[1] high",
				"rbac-secrets-read app.yaml:83 rules[0] low",
			},
		},
		{
			name: "with the Secrets that exist outside",
			opts: render.Options{SecretsFrom: loadDocs(t, "existing.yaml")},
			want: []string{
				"rendered-secret-data app.yaml:51 stringData.AIRFLOW__SMTP__SMTP_PASSWORD high",
				"rendered-configmap-secret app.yaml:43 data.BROKER_URL high",
				"rendered-env-secret app.yaml:18 spec.template.spec.containers[0].env[0].value high",
				"rendered-env-secret app.yaml:20 spec.template.spec.containers[0].env[1].value high",
				"cmd-config-shadowed app.yaml:19 spec.template.spec.containers[0].env[1] medium",
				"rbac-secrets-read app.yaml:62 rules[1] high",
				"rbac-secrets-read app.yaml:83 rules[0] low",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, err := render.CheckManifests(context.Background(), docs, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, summary(fs)); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckManifestsConsumption(t *testing.T) {
	fs, err := render.CheckManifests(context.Background(), loadDocs(t, "app.yaml"), render.Options{Consumption: true, SecretsFrom: loadDocs(t, "existing.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		if f.RuleID == "secret-consumption" {
			got = append(got, f.Severity.String()+" "+f.Message)
		}
	}
	want := []string{
		"info How a Secret reaches containers (environment variables or files): key \"password\" of Secret airflow-db reaches 1 container(s) as DB_PASSWORD (scheduler/scheduler); file alternative: mount Secret airflow-db as a volume at /opt/airflow/secrets/airflow-db and have the program read the file",
		"info How a Secret reaches containers (environment variables or files): every key of Secret airflow-env reaches 1 container(s) as environment variables through envFrom (scheduler/scheduler); file alternative: mount Secret airflow-env as a volume at /opt/airflow/secrets/airflow-env and have the program read the file",
		"info How a Secret reaches containers (environment variables or files): Secret airflow-tls reaches 1 container(s) only as files (/etc/tls/tls.crt, /etc/tls/tls.key in scheduler/scheduler): the consumption CIS 5.4.1 prefers; nothing to change",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("consumption (-want +got):\n%s", diff)
	}
}

// TestRBACMessage checks that the subjects and the workloads running as
// them are named.
func TestRBACMessage(t *testing.T) {
	fs, err := render.CheckManifests(context.Background(), loadDocs(t, "app.yaml"), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.RuleID == "rbac-secrets-read" && f.Severity == finding.High {
			want := "Workloads can read Secrets through RBAC: Role read-secrets grants * on every Secret in the namespace; bound to ServiceAccount airflow (used by Deployment scheduler)"
			if f.Message != want {
				t.Errorf("message\n got %q\nwant %q", f.Message, want)
			}
			return
		}
	}
	t.Error("no high rbac-secrets-read finding")
}

func TestLoadManifestsErrors(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bad.yaml"), []byte("kind: Secret\ndata: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		paths   []string
		wantErr string
	}{
		{name: "missing", paths: []string{filepath.Join(dir, "nope")}, wantErr: filepath.Join(dir, "nope") + ": no such file or directory"},
		{name: "malformed", paths: []string{dir}, wantErr: filepath.Join(dir, "bad.yaml") + ":2: malformed YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render.LoadManifests(context.Background(), tt.paths)
			if err == nil || len(err.Error()) < len(tt.wantErr) || err.Error()[:len(tt.wantErr)] != tt.wantErr {
				t.Fatalf("error %v, want prefix %q", err, tt.wantErr)
			}
		})
	}
}

// TestExternalSecretsProvideSecrets: a Secret that an ExternalSecret
// creates is not dangling; a key the ExternalSecret does not map still is.
func TestExternalSecretsProvideSecrets(t *testing.T) {
	fs, err := render.CheckManifests(context.Background(), loadDocs(t, "eso.yaml"), render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"dangling-secret-ref eso.yaml:30 spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef high"}
	if diff := cmp.Diff(want, summary(fs)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
