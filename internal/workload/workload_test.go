package workload_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

func load(t *testing.T, name string) []*yamltree.Document {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := yamltree.Parse(&yamltree.Source{Name: name, Kind: yamltree.User}, data, yamltree.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return f.Docs
}

// describe renders a resolved variable as one comparable line.
func describe(r workload.Resolved) string {
	switch r.Origin {
	case workload.Literal:
		return "literal " + r.Value.Text()
	case workload.FromField:
		return "field " + r.Field
	}
	s := fmt.Sprintf("%s %s/%s", r.Kind, r.Object, r.Key)
	if r.Data != nil {
		s += " = " + r.Data.Value.Reveal()
	}
	if r.EnvFrom != nil {
		s += " (envFrom)"
	}
	return s
}

func describeDangling(ds []workload.Dangling) []string {
	out := []string{}
	for _, d := range ds {
		s := fmt.Sprintf("%s: %s %s", d.Use, d.Kind, d.Name)
		if d.Key != "" {
			s += " key " + d.Key
		}
		if d.Reason == workload.MissingKey {
			s += " (missing key)"
		}
		if d.Optional {
			s += " (optional)"
		}
		s += " at " + d.Path.String()
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func TestFromManifests(t *testing.T) {
	set := workload.FromManifests(load(t, "manifests.yaml"))
	var got []string
	for _, w := range set.Workloads {
		var cs []string
		for _, c := range w.Containers {
			name := c.Name
			if c.Init {
				name += "(init)"
			}
			cs = append(cs, name)
		}
		var vs []string
		for _, v := range w.Volumes {
			vs = append(vs, v.Name+":"+v.Type)
		}
		line := fmt.Sprintf("%s/%s ns=%q sa=%s spec=%s containers=%v volumes=%v", w.Kind, w.Name, w.Namespace, w.ServiceAccount, w.PodPath, cs, vs)
		if w.AutomountToken != nil {
			line += fmt.Sprintf(" automount=%v", *w.AutomountToken)
		}
		if w.Embedded != nil {
			line += " embedded-in=" + w.Embedded.ConfigMap.Name + "/" + w.Embedded.Key
		}
		got = append(got, line)
	}
	for _, o := range append(append([]*workload.Object{}, set.Secrets...), set.ConfigMaps...) {
		var ks []string
		for _, k := range o.Keys {
			ks = append(ks, fmt.Sprintf("%s=%s@%s", k.Name, k.Value.Reveal(), k.Path))
		}
		got = append(got, fmt.Sprintf("%s %s/%s %v", o.Kind, o.Namespace, o.Name, ks))
	}
	want := []string{
		`Deployment/web ns="prod" sa=web-sa spec=spec.template.spec containers=[wait(init) app] volumes=[creds:secret cfg:configMap mixed:projected unmounted:secret scratch:emptyDir] automount=false`,
		`CronJob/nightly ns="" sa=default spec=spec.jobTemplate.spec.template.spec containers=[job] volumes=[]`,
		`Pod/listed ns="" sa=legacy-sa spec=items[0].spec containers=[c] volumes=[]`,
		`Pod/dummy-name ns="" sa=default spec=spec containers=[base] volumes=[] embedded-in=pod-template/pod_template.yaml`,
		"Secret /db [password=secret-pw@data.password user=overridden@stringData.user]",
		"Secret prod/app-env [API_TOKEN=tok@stringData.API_TOKEN MODE=fast@stringData.MODE]",
		`ConfigMap /settings [LOG_LEVEL=info@data.LOG_LEVEL app.cfg=[core]` + "\n" + `@data["app.cfg"]]`,
		"ConfigMap /pod-template [pod_template.yaml=" + podTemplateText + `@data["pod_template.yaml"]]`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("model (-want +got):\n%s", diff)
	}
}

const podTemplateText = `apiVersion: v1
kind: Pod
metadata:
  name: dummy-name
spec:
  containers:
    - name: base
      image: apache/airflow
      env:
        - name: AIRFLOW__CORE__FERNET_KEY
          valueFrom:
            secretKeyRef: {name: fernet, key: value}`

func container(t *testing.T, set *workload.Set, workloadName, name string) *workload.Container {
	t.Helper()
	for _, w := range set.Workloads {
		for _, c := range w.Containers {
			if w.Name == workloadName && c.Name == name {
				return c
			}
		}
	}
	t.Fatalf("no container %s/%s", workloadName, name)
	return nil
}

func TestResolveEnv(t *testing.T) {
	set := workload.FromManifests(load(t, "manifests.yaml"))
	tests := []struct {
		name         string
		workload     string
		container    string
		wantEnv      map[string]string
		wantDangling []string
	}{
		{
			name: "init container secretKeyRef", workload: "web", container: "wait",
			wantEnv:      map[string]string{"DB_PASSWORD": "Secret db/password = secret-pw"},
			wantDangling: []string{},
		},
		{
			name: "envFrom with prefix, env wins over envFrom, dangling and optional refs", workload: "web", container: "app",
			wantEnv: map[string]string{
				"APP_API_TOKEN":  "Secret app-env/API_TOKEN = tok (envFrom)",
				"APP_MODE":       "Secret app-env/MODE = fast (envFrom)",
				"app.cfg":        "ConfigMap settings/app.cfg = [core]\n (envFrom)",
				"LOG_LEVEL":      "literal debug",
				"DB_USER":        "Secret db/user = overridden",
				"DB_HOST":        "Secret db/host",
				"OPTIONAL_TOKEN": "Secret maybe/token",
				"POD_NAME":       "field metadata.name",
			},
			wantDangling: []string{
				"env DB_HOST: Secret db key host (missing key) at spec.template.spec.containers[0].env[2].valueFrom.secretKeyRef",
				"env OPTIONAL_TOKEN: Secret maybe key token (optional) at spec.template.spec.containers[0].env[3].valueFrom.secretKeyRef",
				"envFrom: Secret gone at spec.template.spec.containers[0].envFrom[2]",
			},
		},
		{
			name: "embedded pod template", workload: "dummy-name", container: "base",
			wantEnv:      map[string]string{"AIRFLOW__CORE__FERNET_KEY": "Secret fernet/value"},
			wantDangling: []string{"env AIRFLOW__CORE__FERNET_KEY: Secret fernet key value at spec.containers[0].env[0].valueFrom.secretKeyRef"},
		},
		{
			name: "no env", workload: "nightly", container: "job",
			wantEnv: map[string]string{}, wantDangling: []string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, dangling := set.ResolveEnv(container(t, set, tt.workload, tt.container))
			got := map[string]string{}
			for k, r := range env {
				got[k] = describe(r)
			}
			if diff := cmp.Diff(tt.wantEnv, got); diff != "" {
				t.Errorf("env (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDangling, describeDangling(dangling)); diff != "" {
				t.Errorf("dangling (-want +got):\n%s", diff)
			}
		})
	}
}

func TestResolveFiles(t *testing.T) {
	set := workload.FromManifests(load(t, "manifests.yaml"))
	files, dangling := set.ResolveFiles(container(t, set, "web", "app"))
	var got []string
	for _, f := range files {
		s := fmt.Sprintf("%s <- %s %s/%s", f.Path, f.Kind, f.Object, f.Key)
		if f.Data == nil {
			s += " (unresolved)"
		}
		got = append(got, s)
	}
	want := []string{
		"/etc/creds/db/password <- Secret db/password",
		"/etc/creds/db/missing <- Secret db/missing (unresolved)",
		"/etc/app/app.cfg <- ConfigMap settings/app.cfg",
		"/etc/mixed/API_TOKEN <- Secret app-env/API_TOKEN",
		"/etc/mixed/MODE <- Secret app-env/MODE",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	wantDangling := []string{
		"volume creds: Secret db key missing (missing key) at spec.template.spec.volumes[0].secret",
		"volume mixed: ConfigMap absent-cm (optional) at spec.template.spec.volumes[2].projected.sources[1].configMap",
	}
	if diff := cmp.Diff(wantDangling, describeDangling(dangling)); diff != "" {
		t.Errorf("dangling (-want +got):\n%s", diff)
	}
	var web *workload.Workload
	for _, w := range set.Workloads {
		if w.Name == "web" {
			web = w
		}
	}
	all := describeDangling(set.Dangling(web))
	if !strings.Contains(strings.Join(all, "\n"), "volume unmounted: Secret never-created") {
		t.Errorf("Dangling(web) misses the unmounted volume's Secret:\n%s", strings.Join(all, "\n"))
	}
}

func TestLookupNamespaces(t *testing.T) {
	set := workload.FromManifests(load(t, "manifests.yaml"))
	tests := []struct {
		name      string
		kind      workload.RefKind
		namespace string
		object    string
		wantNS    string
		wantFound bool
	}{
		{name: "namespaced object, same namespace", kind: workload.SecretRef, namespace: "prod", object: "app-env", wantNS: "prod", wantFound: true},
		{name: "namespaced object, apply-time namespace", kind: workload.SecretRef, namespace: "", object: "app-env", wantNS: "prod", wantFound: true},
		{name: "namespaced object, other namespace", kind: workload.SecretRef, namespace: "dev", object: "app-env"},
		{name: "unnamespaced object matches any", kind: workload.SecretRef, namespace: "dev", object: "db", wantFound: true},
		{name: "kinds are separate", kind: workload.ConfigMapRef, namespace: "", object: "db"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := set.Lookup(tt.kind, tt.namespace, tt.object)
			if (o != nil) != tt.wantFound {
				t.Fatalf("found %v, want %v", o != nil, tt.wantFound)
			}
			if o != nil && o.Namespace != tt.wantNS {
				t.Errorf("namespace %q, want %q", o.Namespace, tt.wantNS)
			}
		})
	}
}

// TestRealChart reads what the airflow-helm chart deploys with its
// defaults: the scheduler takes its configuration from the -config-envs
// Secret, and the database password from the postgresql subchart's
// Secret, which is absent from the fixture (so it dangles).
func TestRealChart(t *testing.T) {
	c, err := chart.Load(context.Background(), testfixture.ChartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := c.Render(context.Background(), map[string]any{}, chart.RenderOptions{Release: "rel", Namespace: "ns"})
	if err != nil {
		t.Fatal(err)
	}
	docs := make([]*yamltree.Document, len(ms))
	for i, m := range ms {
		docs[i] = m.Doc
	}
	set := workload.FromManifests(docs)
	sched := container(t, set, "rel-scheduler", "airflow-scheduler")
	env, dangling := set.ResolveEnv(sched)
	got := map[string]string{}
	for _, name := range []string{"DATABASE_PASSWORD", "REDIS_PASSWORD", "AIRFLOW__CORE__FERNET_KEY", "DATABASE_HOST"} {
		if r, ok := env[name]; ok {
			got[name] = fmt.Sprintf("%s %s/%s found=%v", r.Kind, r.Object, r.Key, r.Data != nil)
		}
	}
	want := map[string]string{
		"DATABASE_PASSWORD":         "Secret rel-postgresql/postgresql-password found=false",
		"REDIS_PASSWORD":            "Secret rel-redis/redis-password found=false",
		"AIRFLOW__CORE__FERNET_KEY": "Secret rel-config-envs/AIRFLOW__CORE__FERNET_KEY found=true",
		"DATABASE_HOST":             "Secret rel-config-envs/DATABASE_HOST found=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("scheduler env (-want +got):\n%s", diff)
	}
	if len(dangling) != 2 {
		t.Errorf("want the two subchart Secrets dangling, got %v", describeDangling(dangling))
	}
	if sched.Workload.ServiceAccount != "rel" {
		t.Errorf("service account %q, want rel", sched.Workload.ServiceAccount)
	}
}
