// Package benchcorpus generates a large, deterministic corpus of realistic
// airflow-helm values files and Kubernetes manifests, with a known share of
// planted secrets, for benchmarks (go test -bench and scripts/bench-scan.sh).
package benchcorpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

// Generate writes n files below dir. big, when non-empty, is a full chart
// values.yaml included in one file of ten, as teams copy it whole.
// It returns the bytes written.
func Generate(dir string, n int, big []byte, seed uint64) (int, error) {
	r := rand.New(rand.NewPCG(seed, seed))
	total := 0
	for i := 0; i < n; i++ {
		sub := filepath.Join(dir, fmt.Sprintf("team-%02d", i%40), fmt.Sprintf("app-%04d", i))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			return total, err
		}
		name, content := File(r, i, big)
		if err := os.WriteFile(filepath.Join(sub, name), []byte(content), 0o644); err != nil {
			return total, err
		}
		total += len(content)
	}
	return total, nil
}

// File returns the i-th file's name and content.
func File(r *rand.Rand, i int, big []byte) (string, string) {
	switch k := i % 10; {
	case k < 4:
		return "values.yaml", values(r)
	case k < 5 && len(big) > 0:
		return "values-full.yaml", string(big) + "\n" + values(r)
	}
	return "manifests.yaml", manifests(r)
}

func word(r *rand.Rand, n int) string {
	const chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

// secretOr returns a literal secret one time in four, else a reference.
func secretOr(r *rand.Rand, ref string) string {
	if r.IntN(4) == 0 {
		return "\"" + word(r, 20) + "\""
	}
	return ref
}

func values(r *rand.Rand) string {
	var b strings.Builder
	fmt.Fprintf(&b, "airflow:\n  executor: CeleryExecutor\n  fernetKey: %s\n  webserverSecretKey: \"\"\n", secretOr(r, `""`))
	b.WriteString("  config:\n    AIRFLOW__CORE__LOAD_EXAMPLES: \"False\"\n    AIRFLOW__WEBSERVER__EXPOSE_CONFIG: \"False\"\n")
	fmt.Fprintf(&b, "    AIRFLOW__SMTP__SMTP_PASSWORD: %s\n", secretOr(r, `""`))
	b.WriteString("  users:\n")
	for u := 0; u < 3; u++ {
		fmt.Fprintf(&b, "    - username: user%d\n      password: %s\n      role: Op\n      email: u%d@example.com\n", u, secretOr(r, "${USER_PW}"), u)
	}
	b.WriteString("  usersTemplates:\n    USER_PW: {kind: secret, name: airflow-users, key: pw}\n  connections:\n")
	for c := 0; c < 8; c++ {
		fmt.Fprintf(&b, "    - id: conn_%d\n      type: postgres\n      host: db-%d.internal\n      login: etl\n      password: %s\n      extra: '{\"sslmode\": \"require\", \"application_name\": \"airflow-%d\"}'\n", c, c, secretOr(r, "${CONN_PW}"), c)
	}
	b.WriteString("  extraEnv:\n")
	for e := 0; e < 10; e++ {
		fmt.Fprintf(&b, "    - name: SETTING_%d\n      value: \"%s\"\n", e, word(r, 8))
	}
	fmt.Fprintf(&b, "    - name: API_TOKEN\n      value: %s\n", secretOr(r, `"$(TOKEN)"`))
	for _, comp := range []string{"scheduler", "web", "workers", "triggerer"} {
		fmt.Fprintf(&b, "%s:\n  replicas: %d\n  resources:\n    requests: {cpu: 500m, memory: 1Gi}\n    limits: {cpu: 1, memory: 2Gi}\n  podAnnotations:\n    checksum/config: %s\n", comp, 1+r.IntN(3), word(r, 40))
	}
	fmt.Fprintf(&b, "externalDatabase:\n  host: pg.internal\n  user: airflow\n  password: %s\n  passwordSecret: airflow-db\n", secretOr(r, `""`))
	b.WriteString("postgresql:\n  enabled: false\nredis:\n  existingSecret: airflow-redis\n")
	fmt.Fprintf(&b, "dags:\n  gitSync:\n    enabled: true\n    repo: https://github.com/acme/dags-%s.git\n    branch: main\n", word(r, 6))
	return b.String()
}

func manifests(r *rand.Rand) string {
	var b strings.Builder
	for d := 0; d < 3; d++ {
		fmt.Fprintf(&b, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: svc-%[1]s
  labels: {app: svc-%[1]s}
spec:
  replicas: 2
  selector: {matchLabels: {app: svc-%[1]s}}
  template:
    metadata: {labels: {app: svc-%[1]s}}
    spec:
      containers:
        - name: app
          image: registry.example.com/svc@sha256:%[2]s
          env:
            - name: LOG_LEVEL
              value: info
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
            - name: CACHE_URL
              value: redis://cache:6379/0
          resources: {requests: {cpu: 100m, memory: 128Mi}}
---
`, word(r, 6), strings.Repeat("ab12", 16))
	}
	fmt.Fprintf(&b, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg-%s}\ndata:\n  settings.ini: |\n    [core]\n    level = info\n    workers = 4\n", word(r, 6))
	if r.IntN(3) == 0 {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds}\nstringData:\n  password: \"%s\"\n", word(r, 24))
	}
	return b.String()
}
