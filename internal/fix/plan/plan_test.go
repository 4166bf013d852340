package plan_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/fix/plan"
	"github.com/airlockhq/airlock/internal/scan"
)

func build(t *testing.T, values string) *plan.Plan {
	t.Helper()
	p := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(p, []byte(values), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	in, err := scan.Load(ctx, scan.LoadOptions{Values: []string{p}})
	if err != nil {
		t.Fatal(err)
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	res, err := scan.Run(ctx, in, reg)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.Build(in, res, plan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// clean values: no public default in effect, so each case shows only its own finding.
const clean = `airflow:
  executor: KubernetesExecutor
  fernetKey: ""
  webserverSecretKey: ""
  users: []
  extraEnv:
    - {name: AIRFLOW__CORE__FERNET_KEY, valueFrom: {secretKeyRef: {name: f, key: k}}}
    - {name: AIRFLOW__WEBSERVER__SECRET_KEY, valueFrom: {secretKeyRef: {name: w, key: k}}}
workers: {enabled: false}
flower: {enabled: false}
redis: {enabled: false}
postgresql: {enabled: false}
`

func TestBuild(t *testing.T) {
	tests := []struct {
		name      string
		extra     string
		wantMoves []string // path → secret/key
		wantSkip  []string // path: reason fragment
	}{
		{
			name:      "git URL with user and token",
			extra:     "dags:\n  gitSync:\n    enabled: true\n    repo: https://bot:glpat-abcdefghijklmnop1234@gitlab.example.com/x/dags.git\n",
			wantMoves: []string{"dags.gitSync.repo → airflow-git/username password"},
		},
		{
			name:     "git URL with a token as the user",
			extra:    "dags:\n  gitSync:\n    enabled: true\n    repo: https://ghp_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3@github.com/x/dags.git\n",
			wantSkip: []string{"dags.gitSync.repo: token as the user"},
		},
		{
			name:      "env value with $$ is stored expanded",
			extra:     "scheduler:\n  extraContainers:\n    - name: c\n      env:\n        - name: DB_PASSWORD\n          value: \"pa$$word-Secret-Value-1\"\n",
			wantMoves: []string{"scheduler.extraContainers[0].env[0].value → airflow-extra-env/DB_PASSWORD"},
		},
		{
			name:     "connection uri has no chart mechanism",
			extra:    "  connections:\n    - {id: c, type: postgres, uri: \"postgresql://u:Uri-Secret-Pass-1@h/db\"}\n",
			wantSkip: []string{"airflow.connections[0].uri: no safe automatic fix"},
		},
		{
			name:      "dead external redis password is only removed",
			extra:     "externalRedis:\n  host: r\n  password: Dead-Redis-Pass-1\n",
			wantMoves: []string{"externalRedis.password → /"},
		},
		{
			name:      "with templates already defined, $$ in another field reads the same",
			extra:     "  users:\n    - {username: a, password: \"First-User-Pass-1\", role: Admin, email: a@x, firstName: A, lastName: B}\n    - {username: b, password: \"${PW}\", role: Admin, email: b@x, firstName: $$dollar, lastName: B}\n  usersTemplates:\n    PW: {kind: secret, name: s, key: k}\n",
			wantMoves: []string{"airflow.users[0].password → airflow-users/a-password"},
		},
		{
			name:     "a literal $$ becomes $ once templates exist",
			extra:    "  users:\n    - {username: a, password: \"First-User-Pass-1\", role: Admin, email: a@x, firstName: A, lastName: B}\n    - {username: b, password: \"Second-Pass-2\", role: Admin, email: b@x, firstName: $$dollar, lastName: B}\n",
			wantSkip: []string{"airflow.users[0].password: contains a $", "airflow.users[1].password: contains a $"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			values := clean
			if strings.HasPrefix(tt.extra, "  ") {
				values = mergeAirflow(clean, tt.extra)
			} else {
				values += tt.extra
			}
			p := build(t, values)
			var moves, skips []string
			for _, m := range p.Moves {
				moves = append(moves, m.Finding.Path+" → "+m.Secret+"/"+m.Key)
			}
			for _, s := range p.Skipped {
				skips = append(skips, s.Finding.Path+": "+s.Reason)
			}
			sort.Strings(moves)
			if d := cmp.Diff(tt.wantMoves, moves); d != "" {
				t.Errorf("moves (-want +got):\n%s\nskipped: %v", d, skips)
			}
			if len(skips) != len(tt.wantSkip) {
				t.Fatalf("skipped %q, want %d matching %q", skips, len(tt.wantSkip), tt.wantSkip)
			}
			for i, w := range tt.wantSkip {
				parts := strings.SplitN(w, ": ", 2)
				if !strings.HasPrefix(skips[i], parts[0]+": ") || !strings.Contains(skips[i], parts[1]) {
					t.Errorf("skip %d = %q, want %q", i, skips[i], w)
				}
			}
		})
	}
}

// mergeAirflow inserts lines into the airflow: block of base (replacing
// its users when the lines define them).
func mergeAirflow(base, lines string) string {
	if strings.Contains(lines, "  users:") {
		base = strings.Replace(base, "  users: []\n", "", 1)
	}
	return strings.Replace(base, "airflow:\n", "airflow:\n"+lines, 1)
}

func TestGeneratedValues(t *testing.T) {
	p := build(t, "airflow:\n  executor: CeleryExecutor\n")
	got := map[string]int{}
	for _, s := range p.Secrets {
		for _, it := range s.Items {
			if !it.Generated {
				t.Errorf("%s/%s is not generated", s.Name, it.Key)
			}
			got[s.Name+"/"+it.Key] = it.Value.Len()
		}
	}
	want := map[string]int{"airflow-fernet-key/value": 44, "airflow-webserver-secret-key/value": 43,
		"airflow-users/admin-password": 43, "airflow-database/postgresql-password": 43, "airflow-redis/redis-password": 43}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("generated values (-want +got):\n%s", d)
	}
	p2 := build(t, "airflow:\n  executor: CeleryExecutor\n")
	if p.Secret("airflow-fernet-key").Items[0].Value.Reveal() == p2.Secret("airflow-fernet-key").Items[0].Value.Reveal() {
		t.Error("two runs generated the same fernet key")
	}
}
