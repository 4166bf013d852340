package externalize_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/airlockhq/airlock/internal/externalize"
	"github.com/airlockhq/airlock/internal/externalize/agent"
	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/externalize/vault"
	"github.com/airlockhq/airlock/internal/externalize/vaulttest"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/workload"
)

var fileRef = regexp.MustCompile(`/vault/secrets/([A-Za-z0-9._-]+)`)

// TestVaultAgentOnRealChart externalizes each testdata/agent* case in
// vault-agent mode with a push to a real Vault dev server, renders the
// real chart with the rewritten values, and checks every Airflow pod:
// the injector annotations are there with the component's role; every
// file an environment value names is one the annotations render; no
// environment variable (literal or loaded from a Secret) carries a secret
// value; and, running the real Vault Agent with each component's
// templates and a token of only its generated policy, the files hold the
// pushed values and the chart's commands read them exactly as the chart's
// own environment-variable commands would.
func TestVaultAgentOnRealChart(t *testing.T) {
	chartDir := testfixture.ChartDir(t)
	srv := vaulttest.Start(t)
	bin, _ := vaulttest.Binary()
	root := vaultClient(t, srv, vaulttest.RootToken)
	cases, _ := filepath.Glob("testdata/agent*")
	if len(cases) < 2 {
		t.Fatalf("want the agent cases, found %v", cases)
	}
	for _, dir := range cases {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			files := copyValues(t, dir)
			out := t.TempDir()
			prefix := strings.ReplaceAll(filepath.Base(dir), "-", "")
			res, err := externalize.Run(context.Background(), externalize.Options{
				Values: files, Chart: chartDir, Provider: "vault", Mode: externalize.ModeVaultAgent,
				Vault: externalize.VaultOptions{Addr: srv.Addr}, Push: true, Store: vault.New(root, "secret"),
				Out: out, SecretsFile: filepath.Join(out, "unused"), RemotePrefix: prefix, Rand: &counter{},
			})
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range res.Skipped {
				t.Errorf("not moved: %s: %s", s.Finding.Path, s.Reason)
			}
			loadPolicies(t, root, out)
			set := renderChart(t, chartDir, files)
			checked := checkPods(t, set, res.Secrets, func(comp string, a map[string]string) map[string]string {
				return runAgent(t, bin, srv, tokenFor(t, root, "airflow-"+comp), a)
			})
			if len(checked) < 3 {
				t.Errorf("only %v were checked; the case should deploy more Airflow components", checked)
			}
			// The externalized values scan clean: a second run finds
			// nothing to move and changes nothing.
			again, err := externalize.Run(context.Background(), externalize.Options{
				Values: files, Chart: chartDir, Provider: "vault", Mode: externalize.ModeVaultAgent,
				Vault: externalize.VaultOptions{Addr: srv.Addr}, DryRun: true, RemotePrefix: prefix})
			if err != nil {
				t.Fatal(err)
			}
			if n := len(again.Moves) + len(again.Plan.Moves) + len(again.Skipped) + len(again.Files); n != 0 {
				t.Errorf("a second run still finds %d things to do", n)
			}
		})
	}
}

// checkPods runs the checks on every annotated component and returns the
// components checked.
func checkPods(t *testing.T, set *workload.Set, secrets []*remote.Secret, render func(comp string, a map[string]string) map[string]string) []string {
	t.Helper()
	var values []string
	for _, s := range secrets {
		for _, p := range s.Props {
			if v := p.Value.Reveal(); len(v) >= 6 {
				values = append(values, v)
			}
		}
	}
	var checked []string
	for _, w := range set.Workloads {
		comp := componentOf(w)
		if comp == "" {
			continue
		}
		a := podAnnotations(w)
		if a[agent.InjectKey] != "true" || a[agent.RoleKey] != "airflow-"+comp {
			t.Errorf("%s %s (%s): injector annotations missing or wrong role: inject=%q role=%q", w.Kind, w.Name, comp, a[agent.InjectKey], a[agent.RoleKey])
			continue
		}
		injected := agent.FileNames(a)
		rendered := render(comp, a)
		needs := false
		for _, c := range w.Containers {
			env, _ := set.ResolveEnv(c)
			for name, r := range env {
				v := envValue(r)
				for _, s := range values {
					if strings.Contains(v, s) {
						t.Errorf("%s/%s: env %s carries a secret value", w.Name, c.Name, name)
					}
				}
				for _, m := range fileRef.FindAllStringSubmatch(v, -1) {
					needs = true
					if !slices.Contains(injected, m[1]) {
						t.Errorf("%s/%s: env %s reads %s, which the annotations do not render", w.Name, c.Name, name, m[0])
					}
					if strings.HasSuffix(name, "_CMD") {
						checkCommand(t, w.Name+"/"+c.Name, name, v, rendered)
					}
				}
			}
			if comp != "sync" && !c.Init && strings.Contains(c.Image, "airflow") {
				if r, ok := env["AIRFLOW__CORE__FERNET_KEY_CMD"]; !ok || !strings.Contains(envValue(r), "/vault/secrets/") {
					t.Errorf("%s/%s: no AIRFLOW__CORE__FERNET_KEY_CMD reading a file", w.Name, c.Name)
				}
			}
		}
		if !needs {
			t.Errorf("%s (%s) is annotated but reads no file", w.Name, comp)
		}
		checkConnections(t, comp, a, rendered, secrets)
		checked = append(checked, comp)
	}
	return checked
}

func componentOf(w *workload.Workload) string {
	if w.Embedded != nil {
		return "kubernetes-pod"
	}
	label := w.Doc.Root.Lookup("spec", "template", "metadata", "labels", "component").Text()
	for _, c := range agent.Components {
		if slices.Contains(c.Labels, label) {
			return c.Name
		}
	}
	return ""
}

func envValue(r workload.Resolved) string {
	if r.Value != nil {
		return r.Value.Text()
	}
	if r.Data != nil {
		return r.Data.Value.Reveal()
	}
	return ""
}

// runAgent renders a pod's templates with the real Vault Agent, as the
// injector's init container does (exit after auth, once the templates
// are rendered), logged in with token. It returns file name → content.
func runAgent(t *testing.T, bin string, srv *vaulttest.Server, token string, a map[string]string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	tok := filepath.Join(dir, "token")
	if err := os.WriteFile(tok, []byte(token), 0o600); err != nil {
		t.Fatal(err)
	}
	var templates []map[string]any
	for _, name := range agent.FileNames(a) {
		templates = append(templates, map[string]any{"contents": a[agent.Prefix+"agent-inject-template-"+name],
			"destination": filepath.Join(dir, "secrets", name), "error_on_missing_key": true})
	}
	cfg := map[string]any{
		// A template the token may not read fails after one retry
		// instead of the agent's default minutes of backoff.
		"vault": map[string]any{"address": srv.Addr, "retry": map[string]any{"num_retries": 1}}, "exit_after_auth": true,
		"auto_auth":       map[string]any{"method": []any{map[string]any{"type": "token_file", "config": map[string]any{"token_file_path": tok}}}},
		"template":        templates,
		"template_config": map[string]any{"exit_on_retry_failure": true},
	}
	data, _ := json.Marshal(cfg)
	cfgFile := filepath.Join(dir, "agent.json")
	if err := os.WriteFile(cfgFile, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "agent", "-config="+cfgFile)
	cmd.Env = append(os.Environ(), "HOME="+dir, "VAULT_ADDR="+srv.Addr, "VAULT_TOKEN=")
	if logs, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vault agent failed (a template reads what the role may not?): %v\n%s", err, tail(logs))
	}
	out := map[string]string{}
	for _, name := range agent.FileNames(a) {
		out[name] = string(readFile(t, filepath.Join(dir, "secrets", name)))
	}
	return out
}

func tail(b []byte) string {
	if len(b) > 3000 {
		b = b[len(b)-3000:]
	}
	return string(b)
}
