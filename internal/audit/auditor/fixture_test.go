package auditor_test

import (
	"context"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"helm.sh/helm/v4/pkg/action"
	helmkube "helm.sh/helm/v4/pkg/kube"

	"github.com/airlockhq/airlock/internal/source/chart"
	"github.com/airlockhq/airlock/internal/testfixture"
)

var bg = context.Background()

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// helmDeploy installs or upgrades release name in ns with the real
// airflow-helm chart through the Helm SDK, as `helm upgrade --install`
// would, but without hooks (no kubelet runs their Jobs) and without
// waiting for pods.
func helmDeploy(t testing.TB, ns, name, driver string, vals map[string]any) {
	t.Helper()
	c, err := chart.Load(bg, testfixture.ChartDir(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg := action.NewConfiguration()
	if err := cfg.Init(restGetter(t, ns), ns, driver); err != nil {
		t.Fatal(err)
	}
	hist, _ := action.NewHistory(cfg).Run(name)
	if len(hist) == 0 {
		in := action.NewInstall(cfg)
		in.ReleaseName, in.Namespace, in.DisableHooks, in.WaitStrategy, in.Timeout = name, ns, true, helmkube.HookOnlyStrategy, time.Minute
		if _, err := in.RunWithContext(bg, c.Helm, vals); err != nil {
			t.Fatalf("helm install %s: %v", name, err)
		}
		return
	}
	up := action.NewUpgrade(cfg)
	up.Namespace, up.DisableHooks, up.WaitStrategy, up.Timeout = ns, true, helmkube.HookOnlyStrategy, time.Minute
	if _, err := up.RunWithContext(bg, name, c.Helm, vals); err != nil {
		t.Fatalf("helm upgrade %s: %v", name, err)
	}
}

// airflowValues are values for a KubernetesExecutor deployment with an
// external database, subcharts off (the fixture has none), the fernet and
// webserver keys from the Secret airflow-keys, and the chart's rbac.secrets on.
func airflowValues(dbPassword string) map[string]any {
	db := map[string]any{"host": "db.internal", "passwordSecret": "airflow-db", "passwordSecretKey": "password"}
	if dbPassword != "" {
		db = map[string]any{"host": "db.internal", "password": dbPassword}
	}
	ref := func(env, key string) map[string]any {
		return map[string]any{"name": env, "valueFrom": map[string]any{"secretKeyRef": map[string]any{"name": "airflow-keys", "key": key}}}
	}
	return map[string]any{
		"airflow": map[string]any{
			"executor": "KubernetesExecutor",
			"extraEnv": []any{ref("AIRFLOW__CORE__FERNET_KEY", "fernet"), ref("AIRFLOW__WEBSERVER__SECRET_KEY", "web")},
		},
		"postgresql":       map[string]any{"enabled": false},
		"redis":            map[string]any{"enabled": false},
		"workers":          map[string]any{"enabled": false},
		"flower":           map[string]any{"enabled": false},
		"externalDatabase": db,
		"rbac":             map[string]any{"secrets": true},
	}
}

func secret(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func createSecrets(t testing.TB, cs kubernetes.Interface, ns string, ss ...*corev1.Secret) {
	t.Helper()
	for _, s := range ss {
		must[*corev1.Secret](t)(cs.CoreV1().Secrets(ns).Create(bg, s, metav1.CreateOptions{}))
	}
}

// markRotated records a data change by a "rotator" field manager at the
// given time. The API server keeps managedFields a client sends on update
// (it ignores them on create), which is how a test can show a Secret
// whose data changed after its creation.
func markRotated(t testing.TB, cs kubernetes.Interface, ns, name string, at time.Time) {
	t.Helper()
	s := must[*corev1.Secret](t)(cs.CoreV1().Secrets(ns).Get(bg, name, metav1.GetOptions{}))
	ts := metav1.NewTime(at)
	s.ManagedFields = append(s.ManagedFields, metav1.ManagedFieldsEntry{Manager: "rotator", Operation: metav1.ManagedFieldsOperationUpdate,
		APIVersion: "v1", Time: &ts, FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(`{"f:data":{"f:token":{}}}`)}})
	must[*corev1.Secret](t)(cs.CoreV1().Secrets(ns).Update(bg, s, metav1.UpdateOptions{}))
}

func container(name string, env ...corev1.EnvVar) corev1.Container {
	return corev1.Container{Name: name, Image: "example/img:1", Env: env}
}

func podSpec(cs ...corev1.Container) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "x"}},
		Spec: corev1.PodSpec{Containers: cs, RestartPolicy: corev1.RestartPolicyNever}}
}

func secretEnv(env, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: env, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

// createWorkloads adds non-chart workloads: a Deployment and a CronJob
// with literal credentials, a ConfigMap with a connection URL, and a bare
// Airflow task pod (as the KubernetesExecutor creates them) using Secrets.
func createWorkloads(t testing.TB, cs kubernetes.Interface, ns string) {
	t.Helper()
	dep := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: "legacy-etl"}, Spec: appsv1.DeploymentSpec{
		Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "x"}},
		Template: podSpec(container("etl", corev1.EnvVar{Name: "AWS_SECRET_ACCESS_KEY", Value: "q8Zr1Kx0mV7tN3pL9sW2yB6cF4hJ5dG8aE1uQ0oR"},
			corev1.EnvVar{Name: "LOG_LEVEL", Value: "debug"}))}}
	dep.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways
	must[*appsv1.Deployment](t)(cs.AppsV1().Deployments(ns).Create(bg, dep, metav1.CreateOptions{}))
	report := container("report")
	report.Args = []string{"--host=db.internal", "--db-password=Cr0n-Pass-4471"}
	cj := &batchv1.CronJob{ObjectMeta: metav1.ObjectMeta{Name: "report"}, Spec: batchv1.CronJobSpec{Schedule: "0 * * * *",
		JobTemplate: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: podSpec(report)}}}}
	must[*batchv1.CronJob](t)(cs.BatchV1().CronJobs(ns).Create(bg, cj, metav1.CreateOptions{}))
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "etl-config"}, Data: map[string]string{
		"DATABASE_URL": "postgresql://etl:Cm-Pass-8812@db.internal:5432/etl", "BATCH_SIZE": "500"}}
	must[*corev1.ConfigMap](t)(cs.CoreV1().ConfigMaps(ns).Create(bg, cm, metav1.CreateOptions{}))
	task := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "airflow-task-1", Labels: map[string]string{"release": "airflow", "app": "airflow"}},
		Spec: corev1.PodSpec{ServiceAccountName: "airflow", RestartPolicy: corev1.RestartPolicyNever, Containers: []corev1.Container{
			container("base", secretEnv("API_TOKEN", "api-token", "token"), secretEnv("PARTNER_TOKEN", "rotated-token", "token"))}}}
	task.Spec.Containers[0].EnvFrom = []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "task-conn"}}}}
	must[*corev1.Pod](t)(cs.CoreV1().Pods(ns).Create(bg, task, metav1.CreateOptions{}))
}

func policyRule(verbs, resources []string, names ...string) rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: []string{""}, Verbs: verbs, Resources: resources, ResourceNames: names}
}

// createRBAC grants Secret reads in every way the evaluator must follow,
// and adds near misses that grant nothing readable.
func createRBAC(t testing.TB, cs kubernetes.Interface, ns string) {
	t.Helper()
	r := cs.RbacV1()
	role := func(name string, rules ...rbacv1.PolicyRule) {
		must[*rbacv1.Role](t)(r.Roles(ns).Create(bg, &rbacv1.Role{ObjectMeta: metav1.ObjectMeta{Name: name}, Rules: rules}, metav1.CreateOptions{}))
	}
	bind := func(name, kind, roleName string, subjects ...rbacv1.Subject) {
		must[*rbacv1.RoleBinding](t)(r.RoleBindings(ns).Create(bg, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: kind, Name: roleName}, Subjects: subjects}, metav1.CreateOptions{}))
	}
	user := func(n string) rbacv1.Subject {
		return rbacv1.Subject{Kind: "User", APIGroup: rbacv1.GroupName, Name: n}
	}
	role("secret-reader", policyRule([]string{"get", "list"}, []string{"secrets"}))
	bind("alice-reads", "Role", "secret-reader", user("dev-alice"))
	role("db-secret-only", policyRule([]string{"get"}, []string{"secrets"}, "airflow-db"))
	bind("data-team-db", "Role", "db-secret-only", rbacv1.Subject{Kind: "Group", APIGroup: rbacv1.GroupName, Name: "data-team"})
	role("secret-writer", policyRule([]string{"create", "update"}, []string{"secrets"}))
	role("cm-reader", policyRule([]string{"get", "list", "watch"}, []string{"configmaps", "secrets/status"}))
	bind("carol-writes", "Role", "secret-writer", user("dev-carol"))
	bind("dave-configmaps", "Role", "cm-reader", user("dev-dave"))

	// Aggregation: the empty ClusterRole collects the labelled one's rules.
	label := "rbac.example.com/aggregate-to-ci-" + ns
	must[*rbacv1.ClusterRole](t)(r.ClusterRoles().Create(bg, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "ci-part-" + ns, Labels: map[string]string{label: "true"}},
		Rules: []rbacv1.PolicyRule{policyRule([]string{"watch"}, []string{"secrets"})}}, metav1.CreateOptions{}))
	must[*rbacv1.ClusterRole](t)(r.ClusterRoles().Create(bg, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "ci-" + ns},
		AggregationRule: &rbacv1.AggregationRule{ClusterRoleSelectors: []metav1.LabelSelector{{MatchLabels: map[string]string{label: "true"}}}}}, metav1.CreateOptions{}))
	bind("ci-bot", "ClusterRole", "ci-"+ns, rbacv1.Subject{Kind: "ServiceAccount", Name: "ci-bot", Namespace: "tools"})

	// Wildcards, cluster-wide.
	must[*rbacv1.ClusterRole](t)(r.ClusterRoles().Create(bg, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "ops-" + ns},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}}, metav1.CreateOptions{}))
	must[*rbacv1.ClusterRoleBinding](t)(r.ClusterRoleBindings().Create(bg, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "ops-" + ns},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "ops-" + ns}, Subjects: []rbacv1.Subject{user("ops-bob-" + ns)}}, metav1.CreateOptions{}))
}

var esGVR = schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}

// installESOCRD creates a minimal ExternalSecret CRD (schema-less, with a
// status subresource) once per API server, and waits until it serves.
func installESOCRD(t testing.TB, dyn dynamic.Interface, cs kubernetes.Interface) {
	t.Helper()
	crd := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]any{"name": "externalsecrets.external-secrets.io"},
		"spec": map[string]any{"group": "external-secrets.io", "scope": "Namespaced",
			"names": map[string]any{"plural": "externalsecrets", "singular": "externalsecret", "kind": "ExternalSecret", "listKind": "ExternalSecretList"},
			"versions": []any{map[string]any{"name": "v1", "served": true, "storage": true,
				"subresources": map[string]any{"status": map[string]any{}},
				"schema":       map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}}}
	crdGVR := schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	if _, err := dyn.Resource(crdGVR).Create(bg, crd, metav1.CreateOptions{}); err != nil && !isAlreadyExists(err) {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		if _, err := cs.Discovery().ServerResourcesForGroupVersion("external-secrets.io/v1"); err == nil {
			if _, err := dyn.Resource(esGVR).Namespace("default").List(bg, metav1.ListOptions{}); err == nil {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("ExternalSecret CRD not served after 30s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// createExternalSecret creates an ExternalSecret and sets its status.
func createExternalSecret(t testing.TB, dyn dynamic.Interface, ns, name, target, interval string, ready bool, reason string, synced time.Time) {
	t.Helper()
	spec := map[string]any{"secretStoreRef": map[string]any{"name": "vault", "kind": "ClusterSecretStore"}, "target": map[string]any{"name": target}}
	if interval != "" {
		spec["refreshInterval"] = interval
	}
	u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
		"metadata": map[string]any{"name": name, "namespace": ns}, "spec": spec}}
	got := must[*unstructured.Unstructured](t)(dyn.Resource(esGVR).Namespace(ns).Create(bg, u, metav1.CreateOptions{}))
	status := "False"
	if ready {
		status = "True"
	}
	got.Object["status"] = map[string]any{"refreshTime": synced.UTC().Format(time.RFC3339),
		"conditions": []any{map[string]any{"type": "Ready", "status": status, "reason": reason, "message": "sync " + reason}}}
	must[*unstructured.Unstructured](t)(dyn.Resource(esGVR).Namespace(ns).UpdateStatus(bg, got, metav1.UpdateOptions{}))
}
