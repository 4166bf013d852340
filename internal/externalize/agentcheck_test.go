package externalize_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/externalize/agent"
	"github.com/airlockhq/airlock/internal/externalize/remote"
)

// chartHooks are the chart's own commands for the password hooks, which
// read environment variables; the externalized ones must print the same.
var chartHooks = map[string]struct{ env, cmd string }{
	"DATABASE_PASSWORD_CMD": {"DATABASE_PASSWORD", `echo "${DATABASE_PASSWORD}" | python3 -c "import urllib.parse; encoded_pass = urllib.parse.quote(input()); print(encoded_pass)"`},
	"REDIS_PASSWORD_CMD":    {"REDIS_PASSWORD", `echo "${REDIS_PASSWORD}" | python3 -c "import urllib.parse; encoded_pass = urllib.parse.quote(input()); print(f\":{encoded_pass}@\") if len(encoded_pass) > 0 else None"`},
}

// checkCommand runs an environment command that reads agent files against
// the files the real agent rendered, the way the chart evaluates it
// ($(eval $VAR) in bash), and compares its output with the chart's
// environment-variable version fed the same secret.
func checkCommand(t *testing.T, where, name, cmd string, rendered map[string]string) {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil && strings.Contains(cmd, "python3") {
		t.Logf("%s: python3 not found; %s not executed", where, name)
		return
	}
	dir := t.TempDir()
	for f, content := range rendered {
		if err := os.WriteFile(filepath.Join(dir, f), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	local := strings.ReplaceAll(cmd, agent.Dir+"/", dir+"/")
	got := runBash(t, `printf %s "$(eval $CMD)"`, "CMD="+local)
	if h, ok := chartHooks[name]; ok {
		file := fileRef.FindStringSubmatch(cmd)[1]
		want := runBash(t, `printf %s "$(`+h.cmd+`)"`, h.env+"="+rendered[file])
		if got != want || want == "" {
			t.Errorf("%s: %s prints something else than the chart's own command with the value in %s (lengths %d, %d)", where, name, h.env, len(got), len(want))
		}
		return
	}
	// An Airflow option's _CMD: its output is the option's value, the file.
	file := fileRef.FindStringSubmatch(cmd)[1]
	if got != rendered[file] || got == "" {
		t.Errorf("%s: %s does not print the content of %s", where, name, file)
	}
}

func runBash(t *testing.T, script string, env ...string) string {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("bash: %v", err)
	}
	return string(out)
}

var singleTpl = regexp.MustCompile(`with secret "[^/]+/data/([^"]+)" -}}{{ index \.Data\.data "([^"]+)" }}`)

// checkConnections checks the rendered files against the pushed values:
// single-value files hold exactly the property; connections.json and
// variables.json hold every connection and variable for components that
// run DAG code and nothing for the others.
func checkConnections(t *testing.T, comp string, a, rendered map[string]string, secrets []*remote.Secret) {
	t.Helper()
	c, _ := agent.ComponentNamed(comp)
	byName := map[string]*remote.Secret{}
	for _, s := range secrets {
		byName[s.Name] = s
	}
	for file, content := range rendered {
		switch file {
		case "connections.json", "variables.json":
			var got map[string]any
			if err := json.Unmarshal([]byte(content), &got); err != nil {
				t.Errorf("%s: %s is not JSON: %v", comp, file, err)
				continue
			}
			want := map[string]any{}
			if c.ResolvesConnections {
				kind := strings.TrimSuffix(file, ".json")
				for _, s := range secrets {
					i := strings.Index(s.Name, "/"+kind+"/")
					if i < 0 {
						continue
					}
					id := s.Name[i+len(kind)+2:]
					if kind == "variables" {
						want[id] = s.Values()["value"]
						continue
					}
					fields := map[string]any{}
					for k, v := range s.Values() {
						fields[k] = v
					}
					want[id] = fields
				}
			}
			if d := cmp.Diff(keysOf(want), keysOf(got)); d != "" {
				t.Errorf("%s: %s ids (-want +got):\n%s", comp, file, d)
			}
			if !cmp.Equal(want, got) {
				t.Errorf("%s: %s does not hold the pushed values", comp, file)
			}
		default:
			m := singleTpl.FindStringSubmatch(a[agent.Prefix+"agent-inject-template-"+file])
			if m == nil || byName[m[1]] == nil {
				t.Errorf("%s: the template of %s reads no pushed secret", comp, file)
				continue
			}
			if p, ok := byName[m[1]].Get(m[2]); !ok || p.Value.Reveal() != content {
				t.Errorf("%s: %s does not hold the value pushed to %s (property %s)", comp, file, m[1], m[2])
			}
		}
	}
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
