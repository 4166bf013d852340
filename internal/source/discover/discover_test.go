package discover_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/source/discover"
)

func TestFindHonoursGitignoreAndSniffs(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		".gitignore":                  "rendered/\n*.secret.yaml\n",
		"values.yaml":                 "airflow:\n  executor: CeleryExecutor\n",
		"deploy/values-prod.yaml":     "web: {}\n",
		"deploy/secret.yaml":          "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n",
		"deploy/.gitignore":           "local.yaml\n",
		"deploy/local.yaml":           "airflow: {}\n",
		"deploy/compose.yaml":         "services:\n  db:\n    image: postgres\n",
		"rendered/out.yaml":           "apiVersion: v1\nkind: ConfigMap\n",
		"app.secret.yaml":             "airflow: {}\n",
		"broken.yaml":                 "airflow: [\n",
		"overlay/airflow.values.yaml": "dags: {}\n",
		"notes.txt":                   "airflow: {}\n",
	}
	for name, content := range files {
		p := filepath.Join(root, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(content), 0o644)
	}
	ts, err := discover.Find(context.Background(), []string{root}, discover.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, tt := range ts {
		rel, _ := filepath.Rel(root, tt.Path)
		got[rel] = tt.Kind.String()
	}
	want := map[string]string{
		"values.yaml":                 "values",
		"deploy/values-prod.yaml":     "values",
		"deploy/secret.yaml":          "manifest",
		"overlay/airflow.values.yaml": "values",
		"broken.yaml":                 "values", // sniffed as values; the engine skips it with a note when it fails to parse
	}
	for _, tt := range ts {
		if !tt.Optional() {
			t.Errorf("%s: walked files are optional", tt.Path)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("discovered (-want +got):\n%s", diff)
	}
}

func TestExplicitFilesAndStdin(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	os.WriteFile(broken, []byte("a: [\n"), 0o644)
	ts, err := discover.Find(context.Background(), []string{broken}, discover.Options{})
	if err != nil || len(ts) != 1 || ts[0].Optional() {
		t.Fatalf("an explicit file is a required target: %+v, %v", ts, err)
	}
	if _, err := ts[0].Load(); err == nil {
		t.Error("an explicit broken file must fail to load")
	}
	ts, err = discover.Find(context.Background(), []string{"-"}, discover.Options{Stdin: func() ([]byte, error) {
		return []byte("apiVersion: v1\nkind: Secret\n"), nil
	}})
	if err != nil || len(ts) != 1 || ts[0].Kind != discover.Manifest || ts[0].Path != "<stdin>" {
		t.Errorf("stdin: %+v, %v", ts, err)
	}
	if _, err := discover.Find(context.Background(), []string{filepath.Join(dir, "missing")}, discover.Options{}); err == nil {
		t.Error("a missing path must be an error")
	}
}
