package doc_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/doc"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/testfixture"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenCases are deployments from everything hardcoded to fully
// externalized, each documented against the real airflow-helm 8.9.0 chart.
// A case's secrets.yaml, when present, is passed with --secrets-from.
var goldenCases = []string{
	"01-hardcoded",
	"02-chart-defaults",
	"03-kubernetes-secrets",
	"04-external-secrets",
	"05-cmd-files",
	"06-rbac-gitsync",
}

func options(name, chart string) doc.Options {
	dir := filepath.Join("testdata", name)
	o := doc.Options{Values: []string{filepath.Join(dir, "values.yaml")}, Chart: chart}
	if _, err := os.Stat(filepath.Join(dir, "secrets.yaml")); err == nil {
		o.SecretsFrom = []string{filepath.Join(dir, "secrets.yaml")}
	}
	return o
}

// generate renders a case in every format: with the chart (Markdown and
// HTML) and without it (Markdown from the values alone).
func generate(t *testing.T, name, chart string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, v := range []struct {
		file  string
		chart string
		f     doc.Format
	}{{"want.md", chart, doc.Markdown}, {"want.html", chart, doc.HTML}, {"want-values-only.md", "", doc.Markdown}} {
		d, err := doc.Build(context.Background(), options(name, v.chart))
		if err != nil {
			t.Fatalf("%s: %v", v.file, err)
		}
		b, err := doc.Render(d, v.f)
		if err != nil {
			t.Fatal(err)
		}
		out[v.file] = b
	}
	return out
}

func TestGolden(t *testing.T) {
	chart := testfixture.ChartDir(t)
	for _, name := range goldenCases {
		t.Run(name, func(t *testing.T) {
			for file, got := range generate(t, name, chart) {
				path := filepath.Join("testdata", name, file)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if diff := cmp.Diff(string(want), string(got)); diff != "" {
					t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
				}
			}
		})
	}
}

// TestDeterministic builds every case twice: same input, same bytes.
func TestDeterministic(t *testing.T) {
	chart := testfixture.ChartDir(t)
	for _, name := range goldenCases {
		a, b := generate(t, name, chart), generate(t, name, chart)
		for file := range a {
			if !bytes.Equal(a[file], b[file]) {
				t.Errorf("%s/%s differs between two runs", name, file)
			}
		}
	}
}

// plantedRE finds the secrets planted in the testdata values: every one
// contains PLANT, in tokens of the shapes real secrets have.
var plantedRE = regexp.MustCompile(`[A-Za-z0-9:+/=_-]*PLANT[A-Za-z0-9+/=_-]*`)

// TestNoSecretInDocument greps every output format of every case for the
// planted secrets and the chart's public default credentials.
func TestNoSecretInDocument(t *testing.T) {
	chart := testfixture.ChartDir(t)
	secrets := []string{catalog.DefaultFernetKey, catalog.DefaultWebserverSecretKey}
	for _, name := range goldenCases {
		data, err := os.ReadFile(filepath.Join("testdata", name, "values.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range plantedRE.FindAllString(string(data), -1) {
			// A URL with credentials: the password is what must not leak.
			if _, pw, ok := strings.Cut(strings.TrimPrefix(m, "//"), ":"); ok && strings.Contains(pw, "PLANT") {
				m = pw
			}
			secrets = append(secrets, m)
		}
	}
	if len(secrets) < 15 {
		t.Fatalf("found only %d planted secrets: the pattern is broken", len(secrets))
	}
	for _, name := range goldenCases {
		for file, out := range generate(t, name, chart) {
			for _, s := range secrets {
				if bytes.Contains(out, []byte(s)) {
					t.Errorf("%s/%s contains the secret %.4s... (%d chars)", name, file, s, len(s))
				}
			}
			if bytes.Contains(out, []byte("PLANT")) {
				t.Errorf("%s/%s contains part of a planted secret", name, file)
			}
		}
	}
}
