package gitscan_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/source/gitlog/gittest"
	"github.com/airlockhq/airlock/internal/testfixture"
)

// The tests in this file run the CI integrations the way their hosts
// would, as far as this machine allows: the action's shell steps, the
// GitLab job's script and the pre-commit hooks' entry, against throw-away
// repositories, with airlock built from this repository.

var buildOnce = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "airlock-ci-test-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "airlock")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/airlock")
	cmd.Dir = testfixture.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
})

func airlockBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds airlock: skipped with -short")
	}
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// leakyRepo holds a database password that was added and later removed.
func leakyRepo(t *testing.T) *gittest.Repo {
	g := gittest.New(t)
	g.Commit("add values", map[string]string{"values.yaml": "externalDatabase:\n  password: \"Ci-Planted-Pw-5150\"\n"})
	g.Commit("use a Secret", map[string]string{"values.yaml": "externalDatabase:\n  passwordSecret: db\n"})
	return g
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

type action struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

var exprRE = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)

// runner plays the part of the Actions runner for shell steps.
type runner struct {
	t       *testing.T
	inputs  map[string]string
	outputs map[string]map[string]string // step id → outputs
	path    []string
	env     map[string]string
}

// expand evaluates the expressions the action may use; anything else
// fails the test, so the action cannot grow an expression this harness
// does not check.
func (r *runner) expand(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string {
		e := exprRE.FindStringSubmatch(m)[1]
		switch {
		case strings.HasPrefix(e, "inputs."):
			v, ok := r.inputs[strings.TrimPrefix(e, "inputs.")]
			if !ok {
				r.t.Fatalf("action uses undeclared input %q", e)
			}
			return v
		case e == "github.action_path":
			return r.env["GITHUB_ACTION_PATH"]
		case e == "runner.temp":
			return r.env["RUNNER_TEMP"]
		case strings.HasPrefix(e, "steps."):
			f := strings.Split(e, ".")
			if len(f) != 4 || f[2] != "outputs" {
				r.t.Fatalf("unsupported expression %q", e)
			}
			return r.outputs[f[1]][f[3]]
		}
		r.t.Fatalf("unsupported expression %q", e)
		return ""
	})
}

func (r *runner) runStep(s actionStep, dir string) int {
	r.t.Helper()
	if s.Shell != "bash" {
		r.t.Fatalf("step %q: shell %q, want bash", s.Name, s.Shell)
	}
	if exprRE.MatchString(s.Run) {
		r.t.Fatalf("step %q interpolates an expression into its script: pass it through env", s.Name)
	}
	tmp := r.t.TempDir()
	outFile, pathFile := filepath.Join(tmp, "output"), filepath.Join(tmp, "path")
	script := filepath.Join(tmp, "step.sh")
	if err := os.WriteFile(script, []byte(s.Run), 0o644); err != nil {
		r.t.Fatal(err)
	}
	// The runner's own invocation for shell: bash.
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
	cmd.Dir = dir
	cmd.Env = append(gittest.Env(), "GITHUB_OUTPUT="+outFile, "GITHUB_PATH="+pathFile, "PATH="+strings.Join(append(r.path, os.Getenv("PATH")), ":"))
	for k, v := range r.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	for k, v := range s.Env {
		cmd.Env = append(cmd.Env, k+"="+r.expand(v))
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	r.t.Logf("step %q:\n%s", s.Name, out.String())
	if data, _ := os.ReadFile(outFile); len(data) > 0 && s.ID != "" {
		r.outputs[s.ID] = map[string]string{}
		for _, l := range strings.Split(strings.TrimSpace(string(data)), "\n") {
			k, v, _ := strings.Cut(l, "=")
			r.outputs[s.ID][k] = v
		}
	}
	if data, _ := os.ReadFile(pathFile); len(data) > 0 {
		r.path = append(strings.Fields(string(data)), r.path...)
	}
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	return 0
}

func loadAction(t *testing.T) action {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testfixture.Root(), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func TestGitHubAction(t *testing.T) {
	airlockBinary(t) // builds the dependencies once, so the action's build links quickly
	a := loadAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}
	tests := []struct {
		name     string
		repo     func(t *testing.T) *gittest.Repo
		inputs   map[string]string
		wantExit int
		wantRes  int // SARIF results; -1 for "some"
	}{
		{name: "history with a removed secret", repo: leakyRepo, wantExit: 1, wantRes: 1},
		{name: "history after the leak", repo: leakyRepo, inputs: map[string]string{"since": "HEAD"}, wantExit: 0},
		// The tip's values merged over the chart defaults: the defaults
		// still in effect are findings.
		{name: "values files", repo: leakyRepo, inputs: map[string]string{"mode": "values", "values": "values.yaml\n"}, wantExit: 1, wantRes: -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := tc.repo(t)
			r := &runner{t: t, inputs: map[string]string{}, outputs: map[string]map[string]string{},
				env: map[string]string{"GITHUB_ACTION_PATH": testfixture.Root(), "RUNNER_TEMP": t.TempDir(), "GITHUB_WORKSPACE": g.Dir}}
			for k, v := range a.Inputs {
				r.inputs[k] = v.Default
			}
			for k, v := range tc.inputs {
				r.inputs[k] = v
			}
			exit, uploaded := 0, false
			for _, s := range a.Runs.Steps {
				switch {
				case strings.HasPrefix(s.Uses, "actions/setup-go@"):
					if r.expand(s.With["go-version-file"]) != filepath.Join(testfixture.Root(), "go.mod") {
						t.Errorf("setup-go reads %q", s.With["go-version-file"])
					}
				case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
					uploaded = true
					if got := r.expand(s.With["sarif_file"]); got != r.outputs["scan"]["sarif-file"] {
						t.Errorf("upload-sarif uploads %q, the scan wrote %q", got, r.outputs["scan"]["sarif-file"])
					}
				case s.Uses != "":
					t.Errorf("unexpected step %q", s.Uses)
				default:
					if exit = r.runStep(s, g.Dir); exit != 0 {
						break
					}
				}
			}
			if !uploaded {
				t.Error("no upload-sarif step")
			}
			if exit != tc.wantExit || r.outputs["scan"]["exit-code"] != fmt.Sprint(tc.wantExit) {
				t.Errorf("action exit %d, scan output %v; want %d", exit, r.outputs["scan"], tc.wantExit)
			}
			checkSARIFResults(t, filepath.Join(g.Dir, r.inputs["sarif-file"]), tc.wantRes)
		})
	}
}

func checkSARIFResults(t *testing.T, path string, want int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no SARIF report: %v", err)
	}
	var doc struct {
		Runs []struct{ Results []json.RawMessage }
	}
	if err := json.Unmarshal(data, &doc); err != nil || len(doc.Runs) != 1 {
		t.Fatalf("SARIF report unreadable: %v", err)
	}
	if got := len(doc.Runs[0].Results); got != want && (want >= 0 || got == 0) {
		t.Errorf("SARIF has %d results, want %d", got, want)
	}
	if bytes.Contains(data, []byte("Ci-Planted-Pw-5150")) {
		t.Error("SARIF report holds the secret in full")
	}
}

func TestGitLabJob(t *testing.T) {
	bin := airlockBinary(t)
	data, err := os.ReadFile(filepath.Join(testfixture.Root(), "docs", "ci", "gitlab-ci.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var jobs map[string]struct {
		Variables    map[string]string `yaml:"variables"`
		BeforeScript []string          `yaml:"before_script"`
		Script       []string          `yaml:"script"`
		Artifacts    struct {
			Paths []string `yaml:"paths"`
		} `yaml:"artifacts"`
	}
	if err := yaml.Unmarshal(data, &jobs); err != nil {
		t.Fatal(err)
	}
	job, ok := jobs["airlock"]
	if !ok {
		t.Fatal("no airlock job")
	}
	if job.Variables["GIT_DEPTH"] != "0" {
		t.Errorf("GIT_DEPTH = %q: a shallow clone hides old secrets", job.Variables["GIT_DEPTH"])
	}
	// Installing from the module proxy cannot run here; check it names
	// this module's command at the pinned version.
	if len(job.BeforeScript) != 1 || !strings.Contains(job.BeforeScript[0], "go install \"github.com/airlockhq/airlock/cmd/airlock@${AIRLOCK_VERSION}\"") {
		t.Errorf("before_script = %q", job.BeforeScript)
	}
	tests := []struct {
		name     string
		ciVars   []string
		wantExit int
	}{
		{name: "branch pipeline: the whole history", wantExit: 1},
		{name: "merge request pipeline: its own commits", ciVars: []string{"CI_MERGE_REQUEST_DIFF_BASE_SHA=HEAD"}, wantExit: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := leakyRepo(t)
			env := []string{"PATH=" + filepath.Dir(bin) + ":" + os.Getenv("PATH")}
			for k, v := range job.Variables {
				env = append(env, k+"="+v)
			}
			exit, out := runJobScript(t, g.Dir, job.Script, append(env, tc.ciVars...))
			if exit != tc.wantExit {
				t.Errorf("job exit %d, want %d:\n%s", exit, tc.wantExit, out)
			}
			for _, p := range job.Artifacts.Paths {
				if _, err := os.Stat(filepath.Join(g.Dir, p)); err != nil {
					t.Errorf("artifact %s not written: %v", p, err)
				}
			}
			if tc.wantExit == 1 && !strings.Contains(string(out), "REMOVED, but still in history") {
				t.Errorf("job log lacks the text report:\n%s", out)
			}
		})
	}
}

// runJobScript runs a GitLab job's script lines as its runner does: in one
// shell, with errexit.
func runJobScript(t *testing.T, dir string, lines, env []string) (int, []byte) {
	t.Helper()
	cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", strings.Join(lines, "\n"))
	cmd.Dir = dir
	cmd.Env = append(gittest.Env(), env...)
	out, err := cmd.CombinedOutput()
	if e, ok := err.(*exec.ExitError); ok {
		return e.ExitCode(), out
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out
}

func TestPreCommitHooks(t *testing.T) {
	bin := airlockBinary(t)
	data, err := os.ReadFile(filepath.Join(testfixture.Root(), ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var hooks []struct {
		ID            string   `yaml:"id"`
		Entry         string   `yaml:"entry"`
		Language      string   `yaml:"language"`
		PassFilenames *bool    `yaml:"pass_filenames"`
		TypesOr       []string `yaml:"types_or"`
	}
	if err := yaml.Unmarshal(data, &hooks); err != nil {
		t.Fatal(err)
	}
	if len(hooks) == 0 {
		t.Fatal("no hooks")
	}
	for _, h := range hooks {
		t.Run(h.ID, func(t *testing.T) {
			if h.PassFilenames == nil || *h.PassFilenames {
				t.Error("pass_filenames must be false: the hook reads the index itself")
			}
			if h.Language != "golang" && h.Language != "system" {
				t.Errorf("language %q", h.Language)
			}
			args := strings.Fields(h.Entry)
			if args[0] != "airlock" {
				t.Fatalf("entry %q does not run airlock", h.Entry)
			}
			g := gittest.New(t)
			g.Commit("base", map[string]string{"values.yaml": "web:\n  replicas: 1\n"})
			hook := func() int {
				// pre-commit runs hooks from the repository root.
				cmd := exec.Command(bin, args[1:]...)
				cmd.Dir = g.Dir
				out, err := cmd.CombinedOutput()
				if e, ok := err.(*exec.ExitError); ok {
					t.Logf("%s", out)
					return e.ExitCode()
				} else if err != nil {
					t.Fatal(err)
				}
				return 0
			}
			g.Write(map[string]string{"deploy/values-prod.yaml": "externalRedis:\n  password: \"Pc-Planted-Pw-2024\"\n"})
			if code := hook(); code != 0 {
				t.Errorf("nothing staged: hook exit %d, want 0", code)
			}
			g.Git("add", "deploy/values-prod.yaml")
			if code := hook(); code != 1 {
				t.Errorf("secret staged: hook exit %d, want 1 (commit blocked)", code)
			}
		})
	}
}
