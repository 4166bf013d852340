package render_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"

	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// TestHelmValuesMatchesHelm checks HelmValues against the helm CLI's own
// merge (pkg/cli/values.Options.MergeValues) on the same files and flags.
func TestHelmValuesMatchesHelm(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw.txt")
	if err := os.WriteFile(pw, []byte("from-a-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		files []string
		set   render.SetFlags
	}{
		{name: "maps merge, lists replace", files: []string{
			"a: {b: 1, c: [1, 2]}\nd: x\n",
			"a: {c: [3]}\ne: null\n",
		}},
		{name: "every document of a file is merged (helm 4)", files: []string{
			"a: 1\nb: {c: 1}\n---\nb: {d: 2}\n---\n# only a comment\n",
		}},
		{name: "anchors, merge keys and YAML 1.1 booleans", files: []string{
			"base: &b {x: 1, y: on}\nuse:\n  <<: *b\n  y: no\n",
		}},
		{name: "inline flags in helm order", files: []string{"a: {b: 1}\nl: [x, y]\n"}, set: render.SetFlags{
			JSON:   []string{`{"j": {"k": [1, 2]}}`, `a.json=true`},
			Values: []string{"a.b=2,a.c=true", "l[1]=z", "n=007"},
			String: []string{"s=true", "a.b=3"},
			File:   []string{"f=" + pw},
		}},
		{name: "no inputs", files: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var paths []string
			var files []*yamltree.File
			for i, content := range tt.files {
				p := filepath.Join(t.TempDir(), "values.yaml")
				if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
				paths = append(paths, p)
				f, err := yamltree.Parse(&yamltree.Source{Name: p, Kind: yamltree.User}, []byte(content), yamltree.DefaultLimits)
				if err != nil {
					t.Fatalf("file %d: %v", i, err)
				}
				files = append(files, f)
			}
			opts := values.Options{ValueFiles: paths, JSONValues: tt.set.JSON, Values: tt.set.Values, StringValues: tt.set.String, FileValues: tt.set.File}
			want, err := opts.MergeValues(getter.Providers{})
			if err != nil {
				t.Fatal(err)
			}
			got, err := render.HelmValues(files, tt.set)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("values differ from helm's (-helm +airlock):\n%s", diff)
			}
		})
	}
}

func TestHelmValuesErrors(t *testing.T) {
	tests := []struct {
		name    string
		set     render.SetFlags
		wantErr string
	}{
		{name: "bad --set", set: render.SetFlags{Values: []string{"pw[x]=Zz-Secret-9"}}, wantErr: "--set: cannot parse --set pw[x]=..."},
		{name: "bad --set-json", set: render.SetFlags{JSON: []string{`{"pw": "Zz-Secret-9"`}}, wantErr: "--set-json: cannot parse a --set-json value"},
		{name: "missing --set-file", set: render.SetFlags{File: []string{"pw=/nonexistent/Zz-Secret-9"}}, wantErr: "--set-file: cannot parse --set-file pw=..."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := render.HelmValues(nil, tt.set)
			if err == nil || !strings.HasPrefix(err.Error(), tt.wantErr) || !errors.Is(err, yamltree.ErrInvalid) {
				t.Fatalf("error %v, want prefix %q wrapping ErrInvalid", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), "Zz-Secret-9") {
				t.Errorf("error prints the value: %v", err)
			}
		})
	}
}
