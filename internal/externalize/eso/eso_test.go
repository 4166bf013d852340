package eso_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/externalize/eso"
	"github.com/airlockhq/airlock/internal/externalize/layout"
)

// esoModule is the External Secrets Operator release whose CRDs the
// manifests must validate against, read from the module cache (.ci/run
// downloads it), never copied into the repository.
const esoModule = "github.com/external-secrets/external-secrets@v0.16.2"

// CRDDir locates the module's CRD bases through the go command.
func CRDDir(t testing.TB) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", esoModule)
	cmd.Dir = t.TempDir()
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.Output()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("cannot download %s: %v", esoModule, err)
		}
		t.Skipf("cannot download %s through the Go module proxy (%v)", esoModule, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Fatalf("go mod download -json: %v", err)
	}
	return filepath.Join(info.Dir, "config", "crds", "bases")
}

func schemaFor(t *testing.T, file string) *jsonschema.Schema {
	t.Helper()
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
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatal(err)
	}
	for _, v := range crd.Spec.Versions {
		if v.Name != "v1" {
			continue
		}
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft4)
		if err := c.AddResource("crd.json", jsonValue(t, v.Schema.OpenAPIV3Schema)); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("crd.json")
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	t.Fatalf("%s has no v1", file)
	return nil
}

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

func manifest(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	return jsonValue(t, v)
}

func stores() map[string]eso.StoreOptions {
	base := eso.StoreOptions{Name: "airflow-secret-store", Kind: "SecretStore", Namespace: "airflow", ServiceAccount: "airflow-external-secrets"}
	out := map[string]eso.StoreOptions{}
	for _, p := range layout.Providers {
		for _, kind := range []string{"SecretStore", "ClusterSecretStore"} {
			o := base
			o.Kind, o.Provider = kind, p
			o.VaultServer, o.VaultMount, o.VaultAuthPath, o.VaultRole = "https://vault.example:8200", "secret", "kubernetes", "airflow-external-secrets"
			o.AWSRegion, o.GCPProject, o.AzureVaultURL = "eu-west-1", "my-project", "https://kv.vault.azure.net/"
			if kind == "ClusterSecretStore" {
				o.GCPClusterLocation, o.GCPClusterName, o.AzureTenantID = "europe-west1", "prod", "00000000-0000-0000-0000-000000000000"
			}
			out[string(p)+" "+kind] = o
		}
	}
	return out
}

func TestManifestsValidateAgainstESOCRDs(t *testing.T) {
	dir := CRDDir(t)
	schemas := map[string]*jsonschema.Schema{
		"SecretStore":        schemaFor(t, filepath.Join(dir, "external-secrets.io_secretstores.yaml")),
		"ClusterSecretStore": schemaFor(t, filepath.Join(dir, "external-secrets.io_clustersecretstores.yaml")),
		"ExternalSecret":     schemaFor(t, filepath.Join(dir, "external-secrets.io_externalsecrets.yaml")),
	}
	for name, o := range stores() {
		t.Run(name, func(t *testing.T) {
			data, err := eso.SecretStore(o)
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas[o.Kind].Validate(manifest(t, data)); err != nil {
				t.Errorf("%s does not validate:\n%v\n%s", o.Kind, err, data)
			}
			es, err := eso.ExternalSecret("airflow-database", "airflow", o, "1h", []eso.Data{
				{SecretKey: "postgresql-password", RemoteKey: layout.Layout{Provider: o.Provider, Prefix: "airflow"}.Component("database"), Property: "postgresql-password"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := schemas["ExternalSecret"].Validate(manifest(t, es)); err != nil {
				t.Errorf("ExternalSecret does not validate:\n%v\n%s", err, es)
			}
		})
	}
	// The validator must be able to fail.
	bad := stores()["azure SecretStore"]
	data, _ := eso.SecretStore(bad)
	data = bytes.Replace(data, []byte("WorkloadIdentity"), []byte("StaticKey"), 1)
	if err := schemas["SecretStore"].Validate(manifest(t, data)); err == nil {
		t.Error("an unknown Azure authType validated; the schema check is not effective")
	}
}
