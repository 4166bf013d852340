package gittest

import (
	"bufio"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// Synthetic describes a generated history for benchmarks: Commits commits
// on main, each rewriting one of Files values files; every SecretEvery-th
// commit adds a new connection password, which a later commit removes
// again, so the history holds secrets that are both present and removed.
type Synthetic struct {
	Commits     int
	Files       int
	SecretEvery int
}

// WriteFastImport writes the history as a `git fast-import` stream, which
// builds thousands of commits in a second instead of minutes of `git
// commit`.
func (s Synthetic) WriteFastImport(w io.Writer) error {
	bw := bufio.NewWriter(w)
	files := max(s.Files, 1)
	every := max(s.SecretEvery, 1)
	secrets := make([][]int, files) // per file: commits whose secret is live
	for i := 1; i <= s.Commits; i++ {
		k := i % files
		if i%every == 0 {
			secrets[k] = append(secrets[k], i)
		}
		if len(secrets[k]) > 2 { // keep two live; older ones are removed
			secrets[k] = secrets[k][1:]
		}
		when := 1700000000 + int64(i)*3600
		msg := fmt.Sprintf("change %d", i)
		fmt.Fprintf(bw, "commit refs/heads/main\nmark :%d\nauthor Bench <bench@example.com> %d +0000\ncommitter Bench <bench@example.com> %d +0000\ndata %d\n%s\n",
			i, when, when, len(msg), msg)
		if i > 1 {
			fmt.Fprintf(bw, "from :%d\n", i-1)
		}
		body := syntheticValues(i, secrets[k])
		fmt.Fprintf(bw, "M 100644 inline helm/values-%d.yaml\ndata %d\n%s\n", k, len(body), body)
		if i%10 == 0 {
			note := fmt.Sprintf("release %d\n", i)
			fmt.Fprintf(bw, "M 100644 inline CHANGELOG.md\ndata %d\n%s\n", len(note), note)
		}
	}
	return bw.Flush()
}

// syntheticValues is a realistic airflow-helm values file of about 120
// lines whose image tag changes every commit.
func syntheticValues(i int, secrets []int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "airflow:\n  image:\n    repository: apache/airflow\n    tag: 2.8.%d-python3.11\n  executor: CeleryExecutor\n", i)
	b.WriteString("  fernetKey: \"\"\n  webserverSecretKey: \"\"\n  config:\n    AIRFLOW__CORE__LOAD_EXAMPLES: \"False\"\n    AIRFLOW__WEBSERVER__EXPOSE_CONFIG: \"False\"\n")
	b.WriteString("  extraEnv:\n    - name: AIRFLOW__CORE__FERNET_KEY\n      valueFrom:\n        secretKeyRef: {name: airflow-fernet, key: value}\n")
	b.WriteString("  connections:\n")
	for _, s := range secrets {
		fmt.Fprintf(&b, "    - id: warehouse_%d\n      type: postgres\n      host: db-%d.internal\n      login: etl\n      password: \"Wh%dx-9fQ2-kLm7-Zp%d\"\n", s, s, s*7919, s)
	}
	b.WriteString("    - id: s3\n      type: aws\n      extra: '{\"region_name\": \"eu-west-1\"}'\n")
	for j := range 12 {
		fmt.Fprintf(&b, "  pool%d:\n    slots: %d\n    description: \"pool number %d for team jobs\"\n", j, 4+j, j)
	}
	b.WriteString("web:\n  replicas: 2\n  resources:\n    requests: {cpu: 500m, memory: 1Gi}\n")
	b.WriteString("workers:\n  replicas: 3\n  resources:\n    requests: {cpu: \"1\", memory: 2Gi}\n")
	b.WriteString("externalDatabase:\n  type: postgres\n  host: db.internal\n  port: 5432\n  database: airflow\n  user: airflow\n  passwordSecret: airflow-db\n  passwordSecretKey: password\n")
	b.WriteString("postgresql:\n  enabled: false\nredis:\n  enabled: true\n  existingSecret: airflow-redis\n")
	for j := range 20 {
		fmt.Fprintf(&b, "# note %d: values for the team's deployment; keep in sync with the chart\n", j)
	}
	return b.String()
}

// Import creates a repository at dir (already existing and empty) from a
// fast-import stream produced by write.
func Import(dir string, write func(io.Writer) error) error {
	init := exec.Command("git", "init", "-q", "-b", "main", dir)
	init.Env = Env()
	if out, err := init.CombinedOutput(); err != nil {
		return fmt.Errorf("git init: %w: %s", err, out)
	}
	cmd := exec.Command("git", "fast-import", "--quiet")
	cmd.Dir, cmd.Env = dir, Env()
	in, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return err
	}
	werr := write(in)
	in.Close()
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git fast-import: %w: %s", err, stderr.String())
	}
	if werr != nil {
		return werr
	}
	reset := exec.Command("git", "reset", "-q", "--hard", "main")
	reset.Dir, reset.Env = dir, Env()
	if out, err := reset.CombinedOutput(); err != nil {
		return fmt.Errorf("git reset: %w: %s", err, out)
	}
	return nil
}

// NewSynthetic builds a generated history in a test's temporary directory.
func NewSynthetic(t testing.TB, s Synthetic) *Repo {
	t.Helper()
	requireGit(t)
	r := &Repo{t: t, Dir: t.TempDir()}
	if err := Import(r.Dir, s.WriteFastImport); err != nil {
		t.Fatal(err)
	}
	return r
}
