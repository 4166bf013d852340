package gitscan_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/gitscan"
	"github.com/airlockhq/airlock/internal/source/gitlog"
	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
)

const baseValues = `airflow:
  executor: KubernetesExecutor
  connections:
    - id: warehouse
      type: postgres
      host: warehouse.internal
      login: etl
      password: "wh-Etl-pw-91xQ"
externalDatabase:
  host: db.internal
  user: airflow
  password: "Sup3r-Secret-DB"
`

// buildHistory makes the repository most history tests read: a secret
// added then removed, a file renamed, a branch merged with a conflict,
// a manifest with a Secret, and files that must be skipped or ignored.
func buildHistory(t *testing.T) *gittest.Repo {
	g := gittest.New(t)
	g.Commit("add values", map[string]string{"values.yaml": baseValues, "README.md": "docs\n"})
	for i, tag := range []string{"2.8.0", "2.8.1", "2.8.2"} {
		g.Commit("bump image "+tag, map[string]string{"values.yaml": baseValues + "images:\n  airflow:\n    tag: " + tag + "\n", "README.md": strings.Repeat("x", i+1)})
	}
	removed := strings.Replace(baseValues, `  password: "Sup3r-Secret-DB"`, "  passwordSecret: airflow-db", 1)
	g.Commit("use a Secret for the database", map[string]string{"values.yaml": removed})
	g.Move("values.yaml", "helm/values-prod.yaml")
	g.Commit("move values under helm/", nil)

	g.Git("checkout", "-q", "-b", "feature")
	g.Commit("add a manifest", map[string]string{"deploy/k8s/smtp.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: smtp\nstringData:\n  password: \"smtp-Pa55-word-7\"\n"})
	g.Commit("feature: connection", map[string]string{"helm/values-prod.yaml": removed + "web:\n  replicas: 2\n"})
	g.Git("checkout", "-q", "main")
	g.Commit("main: connection", map[string]string{"helm/values-prod.yaml": removed + "web:\n  replicas: 3\n"})
	g.Merge("feature", "merge feature", map[string]string{
		"helm/values-prod.yaml": removed + "web:\n  replicas: 3\n  secretKey: \"merge-Resolved-s3cret\"\n"})

	g.WriteBytes("caf\xe9/values.yaml", []byte("externalRedis:\n  password: \"r3dis-Latin1-Path\"\n"))
	g.WriteBytes("helm/values-binary.yaml", []byte("password: \"x\"\x00\x01"))
	g.Commit("odd files", map[string]string{
		"charts/app/templates/secret.yaml": "apiVersion: v1\nkind: Secret\n{{- if .Values.x }}\n  password: {{ .Values.password }}\n{{- end }}\n: : :\n",
		"deploy/huge-values.yaml":          "a: \"" + strings.Repeat("z", 70_000) + "\"\n",
		".github/workflows/ci.yml":         "jobs:\n  test:\n    env:\n      password: \"not-deploy-config-1\"\n",
	})
	return g
}

func TestHistory(t *testing.T) {
	g := buildHistory(t)
	res, err := gitscan.History(context.Background(), gitscan.Options{Dir: g.Dir, MaxBlobBytes: 64 << 10}, registry(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "history.golden", join(lines(res.Findings))+"--- notes\n"+join(res.Notes))
	if res.Stats.Removed != 1 {
		t.Errorf("Removed = %d, want 1 (the database password)", res.Stats.Removed)
	}
	if len(res.Warnings) != 0 {
		t.Errorf("warnings on a full clone: %q", res.Warnings)
	}
}

func TestHistoryRanges(t *testing.T) {
	g := gittest.New(t)
	g.Commit("base", map[string]string{"values.yaml": baseValues})
	since := g.Head()
	g.Commit("more", map[string]string{"values.yaml": baseValues + "externalRedis:\n  password: \"r3dis-After-Since\"\n"})
	g.Git("checkout", "-q", "-b", "side")
	g.Commit("side secret", map[string]string{"deploy/values-side.yaml": "externalRedis:\n  password: \"side-Branch-Only-9\"\n"})
	g.Git("checkout", "-q", "main")
	tests := []struct {
		name string
		opts gitscan.Options
		want []string // values path and status of each finding
	}{
		{name: "HEAD", opts: gitscan.Options{}, want: []string{
			"values.yaml airflow.connections[0].password present", "values.yaml externalDatabase.password present", "values.yaml externalRedis.password present"}},
		{name: "since", opts: gitscan.Options{Since: since}, want: []string{"values.yaml externalRedis.password present"}},
		{name: "branch", opts: gitscan.Options{Branch: "side", Since: since}, want: []string{
			"deploy/values-side.yaml externalRedis.password present", "values.yaml externalRedis.password present"}},
		{name: "all refs, judged at HEAD", opts: gitscan.Options{All: true, Since: since}, want: []string{
			"deploy/values-side.yaml externalRedis.password removed", "values.yaml externalRedis.password present"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Dir = g.Dir
			res, err := gitscan.History(context.Background(), tc.opts, registry(t))
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range res.Findings {
				got = append(got, f.Loc.File+" "+f.Path+" "+f.History.Status())
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}

func TestHistoryShallowCloneWarns(t *testing.T) {
	g := gittest.New(t)
	g.Commit("secret", map[string]string{"values.yaml": baseValues})
	g.Commit("later", map[string]string{"values.yaml": baseValues + "web:\n  replicas: 2\n"})
	c := g.ShallowClone(1)
	res, err := gitscan.History(context.Background(), gitscan.Options{Dir: c.Dir}, registry(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "shallow clone") {
		t.Fatalf("warnings = %q, want one about the shallow clone", res.Warnings)
	}
	for _, f := range res.Findings {
		if !f.History.Boundary || f.History.Introduced.Subject != "later" {
			t.Errorf("%s: want it attributed to the boundary commit \"later\", marked as such", line(f))
		}
	}
	if len(res.Findings) != 2 {
		t.Errorf("got %d findings, want 2", len(res.Findings))
	}
}

func TestHistoryOfPartialClone(t *testing.T) {
	g := gittest.New(t)
	g.Commit("secret", map[string]string{"values.yaml": baseValues})
	c := g.PartialClone()
	res, err := gitscan.History(context.Background(), gitscan.Options{Dir: c.Dir}, registry(t))
	if err != nil {
		// git 2.44 and later honour GIT_NO_LAZY_FETCH: the blobs are
		// missing, and the error must say why.
		if !errors.Is(err, gitlog.ErrRepository) || !strings.Contains(err.Error(), "partial clone") {
			t.Fatalf("err = %v, want a repository error explaining the partial clone", err)
		}
		return
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "partial clone") {
		t.Errorf("warnings = %q, want one about the partial clone", res.Warnings)
	}
	if len(res.Findings) != 2 {
		t.Errorf("got %d findings, want 2", len(res.Findings))
	}
}

func TestHistoryBadInput(t *testing.T) {
	ctx := context.Background()
	g := gittest.New(t)
	g.Commit("one", map[string]string{"values.yaml": baseValues})
	blob := strings.TrimSpace(g.Git("rev-parse", "HEAD:values.yaml"))
	tests := []struct {
		name    string
		setup   func()
		opts    gitscan.Options
		wantErr string
	}{
		{name: "not a repository", opts: gitscan.Options{Dir: t.TempDir()}, wantErr: "not a git repository"},
		{name: "unknown branch", opts: gitscan.Options{Dir: g.Dir, Branch: "nope"}, wantErr: `unknown revision "nope"`},
		{name: "unknown since", opts: gitscan.Options{Dir: g.Dir, Since: "v9.9"}, wantErr: `unknown revision "v9.9"`},
		{name: "all and branch", opts: gitscan.Options{Dir: g.Dir, All: true, Branch: "main"}, wantErr: "cannot be combined"},
		{name: "missing blob", setup: func() { _ = os.Remove(g.ObjectPath(blob)) }, opts: gitscan.Options{Dir: g.Dir}, wantErr: "missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.setup != nil {
				tc.setup()
			}
			_, err := gitscan.History(ctx, tc.opts, registry(t))
			if !errors.Is(err, gitlog.ErrRepository) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want a repository error mentioning %q", err, tc.wantErr)
			}
		})
	}
}

func TestHistoryOfEmptyRepository(t *testing.T) {
	g := gittest.New(t)
	res, err := gitscan.History(context.Background(), gitscan.Options{Dir: g.Dir}, registry(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 0 || len(res.Notes) != 1 || !strings.Contains(res.Notes[0], "no commits") {
		t.Fatalf("findings %d, notes %q", len(res.Findings), res.Notes)
	}
}

func TestHistoryKeepsSecretsOutOfErrorsAndNotes(t *testing.T) {
	g := buildHistory(t)
	res, err := gitscan.History(context.Background(), gitscan.Options{Dir: g.Dir}, registry(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range append(res.Notes, res.Warnings...) {
		for _, secret := range []string{"Sup3r-Secret-DB", "wh-Etl-pw-91xQ", "smtp-Pa55-word-7"} {
			if strings.Contains(n, secret) {
				t.Errorf("note leaks %q: %s", secret, n)
			}
		}
	}
}
