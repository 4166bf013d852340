package gitscan_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/gitscan"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func stagedBase(t *testing.T) scan.Inputs {
	t.Helper()
	in, err := scan.Load(context.Background(), scan.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return *in
}

func TestStaged(t *testing.T) {
	const admin = "airflow:\n  users:\n    - username: admin\n      password: admin\n      role: Admin\n"
	tests := []struct {
		name  string
		setup func(g *gittest.Repo)
		want  []string
	}{
		{
			name: "first commit: the index, not the work tree",
			setup: func(g *gittest.Repo) {
				g.Write(map[string]string{"values.yaml": baseValues, "deploy/clean.yaml": "web:\n  replicas: 1\n"})
				g.Git("add", "values.yaml", "deploy/clean.yaml")
				// Fixed in the work tree but not staged: the commit would
				// still carry the secret.
				g.Write(map[string]string{"values.yaml": "web: {}\n", "deploy/clean.yaml": "externalRedis:\n  password: \"unstaged-Secret-1\"\n"})
			},
			want: []string{"values.yaml:8 airflow.connections[0].password [airflow-connection-secret]", "values.yaml:12 externalDatabase.password [database-password]"},
		},
		{
			name: "only staged changes of a later commit; defaults restated in the file count, inherited ones do not",
			setup: func(g *gittest.Repo) {
				g.Commit("base", map[string]string{"values.yaml": baseValues, "helm/values-dev.yaml": "web: {}\n"})
				g.Write(map[string]string{"helm/values-dev.yaml": admin, "charts/x/templates/s.yaml": "{{ if .Values.x }}\n: :\n"})
				g.Git("add", "helm/values-dev.yaml", "charts/x/templates/s.yaml")
			},
			want: []string{"helm/values-dev.yaml:4 airflow.users[0].password [insecure-default-admin-user]"},
		},
		{
			name: "nothing staged",
			setup: func(g *gittest.Repo) {
				g.Commit("base", map[string]string{"values.yaml": baseValues})
			},
			want: []string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := gittest.New(t)
			tc.setup(g)
			res, err := gitscan.Staged(context.Background(), gitscan.StagedOptions{Dir: g.Dir, Base: stagedBase(t)}, registry(t))
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range res.Findings {
				got = append(got, strings.SplitN(line(f), " ", 4)[0]+" "+f.Path+" ["+f.RuleID+"]")
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

func TestStagedMalformedValuesIsBadInput(t *testing.T) {
	g := gittest.New(t)
	g.Write(map[string]string{"values-prod.yaml": "airflow:\n  config: [\n"})
	g.Git("add", "values-prod.yaml")
	_, err := gitscan.Staged(context.Background(), gitscan.StagedOptions{Dir: g.Dir, Base: stagedBase(t)}, registry(t))
	if !errors.Is(err, yamltree.ErrInvalid) || !strings.HasPrefix(err.Error(), "values-prod.yaml:") {
		t.Fatalf("err = %v, want a YAML error naming values-prod.yaml and its line", err)
	}
}
