package externalize_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hashicorp/vault/api"

	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// counter is a deterministic stand-in for crypto/rand, so generated
// values (and so every output) are the same on every run.
type counter struct{ n byte }

func (c *counter) Read(p []byte) (int, error) {
	for i := range p {
		c.n++
		p[i] = c.n
	}
	return len(p), nil
}

// copyValues copies a case's values files to a temp dir (externalize
// rewrites them) and returns their paths in name order.
func copyValues(t *testing.T, dir string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no values in %s", dir)
	}
	sort.Strings(names)
	tmp := t.TempDir()
	var out []string
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(tmp, filepath.Base(n))
		if err := os.WriteFile(p, data, 0o640); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

func vaultClient(t *testing.T, srv *vaulttest.Server, token string) *api.Client {
	t.Helper()
	cfg := api.DefaultConfig()
	cfg.Address = srv.Addr
	cfg.MaxRetries = 0
	c, err := api.NewClient(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.SetToken(token)
	return c
}

// loadPolicies writes every generated HCL policy under out into Vault.
func loadPolicies(t *testing.T, root *api.Client, out string) []string {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(out, "vault", "policies", "*.hcl"))
	var names []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p[:len(p)-len(".hcl")])
		if err := root.Sys().PutPolicy(name, string(data)); err != nil {
			t.Fatalf("vault rejected %s: %v", p, err)
		}
		names = append(names, name)
	}
	return names
}

// tokenFor issues a token with the named policy and Vault's default one
// (token self-lookup, no secret access): what the component's Kubernetes
// auth role issues (TestKubernetesAuthRoles in package vault shows the
// roles do that against a real API server).
func tokenFor(t *testing.T, root *api.Client, pol string) string {
	t.Helper()
	sec, err := root.Auth().Token().Create(&api.TokenCreateRequest{Policies: []string{pol}, TTL: "10m"})
	if err != nil {
		t.Fatal(err)
	}
	return sec.Auth.ClientToken
}

// renderChart renders the chart with the values files as they are now.
func renderChart(t *testing.T, chartDir string, files []string) *workload.Set {
	t.Helper()
	ctx := context.Background()
	c, err := chart.Load(ctx, chartDir)
	if err != nil {
		t.Fatal(err)
	}
	var yfs []*yamltree.File
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		yfs = append(yfs, &yamltree.File{Src: &yamltree.Source{Name: f, Kind: yamltree.User}, Bytes: data})
	}
	vals, err := render.HelmValues(yfs, render.SetFlags{})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.Render(ctx, vals, chart.RenderOptions{Release: "airflow", Namespace: "airflow"})
	if err != nil {
		t.Fatalf("the chart does not render with the externalized values: %v", err)
	}
	var docs []*yamltree.Document
	for _, m := range ms {
		docs = append(docs, m.Doc)
	}
	return workload.FromManifests(docs)
}

// podAnnotations reads the pod template's annotations of a workload.
func podAnnotations(w *workload.Workload) map[string]string {
	meta := w.PodPath.Parent().Key("metadata")
	n := w.Doc.Root
	for _, e := range meta {
		n = n.Get(e.Key)
	}
	out := map[string]string{}
	if a := n.Get("annotations"); a != nil {
		for _, e := range a.Entries {
			out[e.Key] = e.Value.Text()
		}
	}
	return out
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
