package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
)

const (
	removedPw = "Rm-Planted-Db-Pw-4411"
	presentPw = "Hd-Planted-Redis-Pw-9902"
)

// historyRepo has a database password added then removed, and a Redis
// password still present, with an origin remote that carries a token.
func historyRepo(t *testing.T) *gittest.Repo {
	g := gittest.New(t)
	g.Commit("add values", map[string]string{"values.yaml": "externalDatabase:\n  password: \"" + removedPw + "\"\n"})
	g.Commit("add redis", map[string]string{"values.yaml": "externalDatabase:\n  password: \"" + removedPw + "\"\nexternalRedis:\n  password: \"" + presentPw + "\"\n"})
	g.Commit("use a Secret", map[string]string{"values.yaml": "externalDatabase:\n  passwordSecret: db\nexternalRedis:\n  password: \"" + presentPw + "\"\n"})
	g.Git("remote", "add", "origin", "https://x-access-token:ghp_PlantedRemoteToken000000000000000000@github.com/acme/deploy.git")
	return g
}

func TestScanHistoryExitCodesAndErrors(t *testing.T) {
	g := historyRepo(t)
	clean := gittest.New(t)
	clean.Commit("clean", map[string]string{"values.yaml": "web:\n  replicas: 2\n"})
	empty := gittest.New(t)
	corrupt := gittest.New(t)
	corrupt.Commit("one", map[string]string{"values.yaml": "externalRedis:\n  password: \"Cr-Planted-Pw-1\"\n"})
	if err := os.Remove(corrupt.ObjectPath(strings.TrimSpace(corrupt.Git("rev-parse", "HEAD:values.yaml")))); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStderr string // regexp
	}{
		{"findings in history", []string{"scan", "--history", "--repo", g.Dir}, 1, `^$`},
		{"clean history", []string{"scan", "--history", "--repo", clean.Dir}, 0, `^$`},
		{"no commits yet", []string{"scan", "--history", "--repo", empty.Dir}, 0, `^$`},
		{"fail-on above the findings", []string{"scan", "--history", "--repo", g.Dir, "--fail-on", "critical"}, 0, `^$`},
		{"not a repository", []string{"scan", "--history", "--repo", t.TempDir()}, 2, `not a git repository`},
		{"unknown since", []string{"scan", "--history", "--repo", g.Dir, "--since", "v0.0.0"}, 2, `unknown revision "v0\.0\.0"`},
		{"unknown branch", []string{"scan", "--history", "--repo", g.Dir, "--branch", "nope"}, 2, `unknown revision "nope"`},
		{"history and staged", []string{"scan", "--history", "--staged"}, 2, `cannot be combined`},
		{"all and branch", []string{"scan", "--history", "--all", "--branch", "main"}, 2, `cannot be combined`},
		{"since without history", []string{"scan", "--staged", "--since", "HEAD"}, 2, `use them with --history`},
		{"chart with history", []string{"scan", "--history", "--chart", "x"}, 2, `--chart is not used`},
		{"bad format", []string{"scan", "--history", "--repo", g.Dir, "--format", "xml"}, 2, `unknown format`},
		{"staged, nothing staged", []string{"scan", "--staged", "--repo", g.Dir}, 0, `^$`},
		{"corrupt repository", []string{"scan", "--history", "--repo", corrupt.Dir}, 2, `object missing from the repository: [0-9a-f]{40} \(run git fsck\)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.args...)
			if code != tt.wantCode || !regexp.MustCompile(tt.wantStderr).MatchString(stderr) {
				t.Errorf("exit %d, stderr %q; want %d and /%s/", code, stderr, tt.wantCode, tt.wantStderr)
			}
		})
	}
}

func TestScanHistoryFormats(t *testing.T) {
	g := historyRepo(t)
	for _, format := range []string{"text", "json", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code, out, _ := run(t, "scan", "--history", "--repo", g.Dir, "--format", format)
			if code != 1 {
				t.Fatalf("exit %d, want 1", code)
			}
			for _, leak := range []string{removedPw, presentPw, "ghp_PlantedRemoteToken"} {
				if strings.Contains(out, leak) {
					t.Errorf("%s output contains %q", format, leak)
				}
			}
			switch format {
			case "text":
				for _, want := range []string{"status: REMOVED, but still in history: rotate it", "status: still present at values.yaml:4", `"add values"`, `"add redis"`} {
					if !strings.Contains(out, want) {
						t.Errorf("text output lacks %q:\n%s", want, out)
					}
				}
			case "json":
				checkJSON(t, out)
			case "sarif":
				checkSARIF(t, out, g)
			}
		})
	}
	code, out, _ := run(t, "scan", "--history", "--repo", g.Dir, "--show-secrets")
	if code != 1 || !strings.Contains(out, removedPw) {
		t.Errorf("--show-secrets: exit %d, output lacks the secret", code)
	}
}

func checkJSON(t *testing.T, out string) {
	t.Helper()
	var doc struct {
		Findings []struct {
			ValuesPath string
			Location   struct{ File string }
			History    struct {
				Subject, Status, Author string
				PresentAtHead           bool
				Commits                 int
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range doc.Findings {
		h := f.History
		got = append(got, strings.Join([]string{f.Location.File, f.ValuesPath, h.Subject, h.Status, h.Author}, " | "))
	}
	want := []string{
		"values.yaml | externalDatabase.password | add values | removed | Ada Lovelace",
		"values.yaml | externalRedis.password | add redis | present | Ada Lovelace",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("JSON findings (-want +got):\n%s", d)
	}
}

func checkSARIF(t *testing.T, out string, g *gittest.Repo) {
	t.Helper()
	var doc struct {
		Runs []struct {
			VersionControlProvenance []struct{ RepositoryURI, RevisionID, Branch string }
			Results                  []struct {
				Properties map[string]any
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	run := doc.Runs[0]
	vcs := run.VersionControlProvenance
	if len(vcs) != 1 || vcs[0].RepositoryURI != "https://github.com/acme/deploy.git" || vcs[0].RevisionID != g.Head() || vcs[0].Branch != "refs/heads/main" {
		t.Errorf("versionControlProvenance = %+v", vcs)
	}
	var got []string
	for _, r := range run.Results {
		p := r.Properties
		got = append(got, strings.Join([]string{p["valuesPath"].(string), p["class"].(string), p["status"].(string), p["commitMessage"].(string)}, " | "))
		if id, _ := p["commit"].(string); len(id) != 40 {
			t.Errorf("result without a commit id: %v", p)
		}
	}
	want := []string{"externalDatabase.password | hardcoded-secret | removed | add values", "externalRedis.password | hardcoded-secret | present | add redis"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("SARIF results (-want +got):\n%s", d)
	}
}

func TestScanStaged(t *testing.T) {
	g := gittest.New(t)
	g.Commit("base", map[string]string{"values.yaml": "web:\n  replicas: 1\n"})
	g.Write(map[string]string{"values.yaml": "externalDatabase:\n  password: \"St-Planted-Pw-7788\"\n"})
	code, _, _ := run(t, "scan", "--staged", "--repo", g.Dir)
	if code != 0 {
		t.Errorf("unstaged secret: exit %d, want 0", code)
	}
	g.Git("add", "values.yaml")
	out := filepath.Join(t.TempDir(), "staged.json")
	code, _, stderr := run(t, "scan", "--staged", "--repo", g.Dir, "--format", "json", "-o", out)
	if code != 1 {
		t.Fatalf("staged secret: exit %d (%s), want 1", code, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil || !strings.Contains(string(data), `"valuesPath": "externalDatabase.password"`) {
		t.Errorf("report %s lacks the staged finding (%v)", data, err)
	}
	g.Write(map[string]string{"values-prod.yaml": "airflow:\n  config: [\n"})
	g.Git("add", "values-prod.yaml")
	code, _, stderr = run(t, "scan", "--staged", "--repo", g.Dir)
	if code != 2 || !regexp.MustCompile(`values-prod\.yaml:\d+: malformed YAML`).MatchString(stderr) {
		t.Errorf("malformed staged values: exit %d, stderr %q", code, stderr)
	}
}

func TestScanHistoryHonoursConfig(t *testing.T) {
	g := historyRepo(t)
	cfg := filepath.Join(t.TempDir(), ".airlock.yaml")
	if err := os.WriteFile(cfg, []byte("rules:\n  disable: [database-password]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "scan", "--history", "--repo", g.Dir, "--config", cfg, "--format", "json")
	if code != 1 || strings.Contains(out, "externalDatabase.password") || !strings.Contains(out, "externalRedis.password") {
		t.Errorf("exit %d (%s); want the database finding disabled and the Redis one kept:\n%s", code, stderr, out)
	}
}
