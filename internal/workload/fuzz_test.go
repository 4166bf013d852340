package workload_test

import (
	"os"
	"testing"

	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// FuzzFromManifests feeds arbitrary YAML through the model and every
// resolver: manifests come from users and charts, so no shape may panic.
func FuzzFromManifests(f *testing.F) {
	seed, err := os.ReadFile("testdata/manifests.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("kind: Pod\nspec:\n  containers: [{env: [{valueFrom: {secretKeyRef: 3}}]}]\n  volumes: [{projected: {sources: [1, {secret: []}]}}]\n"))
	f.Add([]byte("kind: ConfigMap\ndata: {t: \"kind: Pod\\nspec: {containers: [x]}\"}\n"))
	f.Add([]byte("kind: SecretList\nitems: [{kind: Secret, data: {a: \"!!\"}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := yamltree.Parse(&yamltree.Source{Name: "fuzz", Kind: yamltree.User}, data, yamltree.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxVisits: 100_000})
		if err != nil {
			return
		}
		set := workload.FromManifests(file.Docs)
		for _, w := range set.Workloads {
			_ = set.Dangling(w)
			for _, c := range w.Containers {
				set.ResolveEnv(c)
				set.ResolveFiles(c)
			}
		}
	})
}
