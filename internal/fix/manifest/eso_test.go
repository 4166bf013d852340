package manifest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/fix/manifest"
	"github.com/airlockhq/airlock/internal/fix/plan"
	"github.com/airlockhq/airlock/internal/redact"
)

// esoModule is the External Secrets Operator release whose CRDs the
// manifests must validate against. .ci/run downloads it into the module
// cache; the CRDs are read from there, never copied into the repository.
const esoModule = "github.com/external-secrets/external-secrets@v0.16.2"

// crdDir locates the module's CRD bases through the go command.
func crdDir(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", esoModule)
	cmd.Dir = t.TempDir() // outside the repository: never touch go.mod
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		t.Skipf("cannot download %s through the Go module proxy (%v): ExternalSecret schema validation skipped", esoModule, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download -json: unexpected output: %v", err)
	}
	return filepath.Join(info.Dir, "config", "crds", "bases")
}

// schemaFor compiles the openAPIV3Schema of a CRD version.
func schemaFor(t *testing.T, file, version string) *jsonschema.Schema {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string
				Schema struct {
					OpenAPIV3Schema any `yaml:"openAPIV3Schema"`
				}
			}
		}
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name != version {
			continue
		}
		doc := jsonValue(t, v.Schema.OpenAPIV3Schema)
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4)
		if err := c.AddResource("crd.json", doc); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("crd.json")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Fatalf("%s has no version %s", file, version)
	return nil
}

// jsonValue converts YAML-decoded data to the JSON values the validator
// expects (numbers as json.Number).
func jsonValue(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func manifestValue(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return jsonValue(t, v)
}

func testPlan() *plan.Plan {
	return &plan.Plan{Prefix: "airflow", Secrets: []*plan.Secret{
		{Name: "airflow-database", Component: "database", Items: []plan.Item{{Key: "postgresql-password", Value: redact.New("Pg-Pr0d")}}},
		{Name: "airflow-users", Component: "users", Items: []plan.Item{{Key: "admin-password", Value: redact.New("x"), Generated: true}, {Key: "ops.team-password", Value: redact.New("y")}}},
	}}
}

func TestManifestsValidateAgainstESOCRDs(t *testing.T) {
	dir := crdDir(t)
	es := schemaFor(t, filepath.Join(dir, "external-secrets.io_externalsecrets.yaml"), "v1")
	ss := schemaFor(t, filepath.Join(dir, "external-secrets.io_secretstores.yaml"), "v1")
	css := schemaFor(t, filepath.Join(dir, "external-secrets.io_clustersecretstores.yaml"), "v1")
	p := testPlan()
	tests := []struct {
		name   string
		schema *jsonschema.Schema
		render func() ([]byte, error)
	}{
		{"ExternalSecret database", es, func() ([]byte, error) { return manifest.ExternalSecret(p, p.Secrets[0], manifest.Store{}, "") }},
		{"ExternalSecret users, namespaced, cluster store", es, func() ([]byte, error) {
			return manifest.ExternalSecret(p, p.Secrets[1], manifest.Store{Name: "vault", Kind: "ClusterSecretStore"}, "airflow")
		}},
		{"SecretStore", ss, func() ([]byte, error) { return manifest.SecretStore(p, manifest.Store{}, "airflow") }},
		{"ClusterSecretStore", css, func() ([]byte, error) { return manifest.SecretStore(p, manifest.Store{Kind: "ClusterSecretStore"}, "") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := tt.render()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "Pg-Pr0d") {
				t.Fatal("an ESO manifest holds a secret value")
			}
			if err := tt.schema.Validate(manifestValue(t, data)); err != nil {
				t.Errorf("does not validate against the CRD schema:\n%v\n%s", err, data)
			}
		})
	}
	// The validator must be able to fail: a broken ExternalSecret is rejected.
	data, _ := manifest.ExternalSecret(p, p.Secrets[0], manifest.Store{Kind: "NoSuchStore"}, "")
	if err := es.Validate(manifestValue(t, data)); err == nil {
		t.Error("an ExternalSecret with secretStoreRef.kind NoSuchStore validated; the schema check is not effective")
	}
}
