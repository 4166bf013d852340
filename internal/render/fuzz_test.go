package render_test

import (
	"context"
	"os"
	"testing"

	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// FuzzCheckManifests runs every check, consumption included, over
// arbitrary YAML: user manifests are untrusted input and must never panic.
func FuzzCheckManifests(f *testing.F) {
	for _, name := range []string{"testdata/manifests/app.yaml", "testdata/manifests/existing.yaml"} {
		seed, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(seed)
	}
	f.Add([]byte("kind: Role\nrules: [{apiGroups: [''], resources: [secrets], verbs: 1}, 2]\n---\nkind: RoleBinding\nroleRef: x\nsubjects: [{kind: ServiceAccount}]\n"))
	f.Add([]byte("kind: Pod\nspec: {containers: [{env: [{name: AIRFLOW__A__B_CMD, value: x}, {name: AIRFLOW__A__B, valueFrom: {secretKeyRef: {}}}]}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := yamltree.Parse(&yamltree.Source{Name: "fuzz.yaml", Kind: yamltree.User}, data, yamltree.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxVisits: 100_000})
		if err != nil {
			return
		}
		if _, err := render.CheckManifests(context.Background(), file.Docs, render.Options{Consumption: true, SecretsFrom: file.Docs}); err != nil {
			t.Fatal(err)
		}
	})
}
