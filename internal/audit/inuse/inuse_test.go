package inuse_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/audit/inuse"
	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/source/cluster"
)

var now = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func daysAgo(d int) metav1.Time { return metav1.NewTime(now.Add(-time.Duration(d) * 24 * time.Hour)) }

func managed(manager string, at metav1.Time, fields string) metav1.ManagedFieldsEntry {
	return metav1.ManagedFieldsEntry{Manager: manager, Operation: metav1.ManagedFieldsOperationUpdate, Time: &at,
		FieldsType: "FieldsV1", FieldsV1: &metav1.FieldsV1{Raw: []byte(fields)}}
}

func TestLastDataChange(t *testing.T) {
	tests := []struct {
		name      string
		s         corev1.Secret
		wantDays  int
		wantSince string
	}{
		{name: "no managed fields", s: corev1.Secret{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: daysAgo(200)}}, wantDays: 200, wantSince: "creation"},
		{name: "data rewritten later", s: corev1.Secret{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: daysAgo(200),
			ManagedFields: []metav1.ManagedFieldsEntry{managed("kubectl", daysAgo(200), `{"f:data":{"f:a":{}}}`), managed("rotator", daysAgo(20), `{"f:data":{"f:a":{}}}`)}}},
			wantDays: 20, wantSince: "data-update"},
		{name: "stringData counts", s: corev1.Secret{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: daysAgo(200),
			ManagedFields: []metav1.ManagedFieldsEntry{managed("tool", daysAgo(5), `{"f:stringData":{"f:a":{}}}`)}}},
			wantDays: 5, wantSince: "data-update"},
		{name: "a later label change is not a data change", s: corev1.Secret{ObjectMeta: metav1.ObjectMeta{CreationTimestamp: daysAgo(200),
			ManagedFields: []metav1.ManagedFieldsEntry{managed("labeller", daysAgo(1), `{"f:metadata":{"f:labels":{"f:x":{}}}}`)}}},
			wantDays: 200, wantSince: "creation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			at, since := inuse.LastDataChange(&tt.s)
			if days := int(now.Sub(at) / (24 * time.Hour)); days != tt.wantDays || since != tt.wantSince {
				t.Errorf("got %d days (%s), want %d (%s)", days, since, tt.wantDays, tt.wantSince)
			}
		})
	}
}

func secret(name string, created metav1.Time, data map[string]string) corev1.Secret {
	s := corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "af", CreationTimestamp: created}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

func ref(env, secret, key string, optional bool) corev1.EnvVar {
	return corev1.EnvVar{Name: env, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key, Optional: &optional}}}
}

func deployment(name string, labels map[string]string, spec corev1.PodSpec) appsv1.Deployment {
	return appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "af", Labels: labels},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: spec}}}
}

type brief struct{ Rule, Object, Path, Severity string }

func TestCheck(t *testing.T) {
	ready, notReady := true, false
	airflow := map[string]string{"app": "airflow", "release": "af"}
	raw := &inventory.Raw{
		Secrets: []corev1.Secret{
			secret("keys", daysAgo(100), map[string]string{"fernet": catalog.DefaultFernetKey, "web": "s3cr3t-web-key-value"}),
			secret("db", daysAgo(100), map[string]string{"postgresql-password": "pw"}),
			secret("ssh", daysAgo(400), map[string]string{"id_rsa": "key"}),
			secret("url", daysAgo(10), map[string]string{"conn": "postgresql://airflow:airflow@db/airflow"}),
		},
		Deployments: []appsv1.Deployment{
			deployment("web", airflow, corev1.PodSpec{Containers: []corev1.Container{{Name: "web",
				Env: []corev1.EnvVar{ref("AIRFLOW__CORE__FERNET_KEY", "keys", "fernet", false), ref("AIRFLOW__WEBSERVER__SECRET_KEY", "keys", "web", false),
					ref("DATABASE_PASSWORD", "db", "postgresql-password", false), ref("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "url", "conn", false),
					ref("EXTRA", "gone", "x", true), ref("MISSING_KEY", "db", "nope", false)},
				VolumeMounts: []corev1.VolumeMount{{Name: "git", MountPath: "/ssh"}}}},
				Volumes: []corev1.Volume{{Name: "git", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "ssh"}}}}}),
			deployment("other-app", map[string]string{"app": "billing"}, corev1.PodSpec{Containers: []corev1.Container{{Name: "x",
				Env: []corev1.EnvVar{ref("TOKEN", "not-airflows", "t", false)}}}}),
		},
		ExternalSecrets: []cluster.ExternalSecret{
			{Name: "db-sync", Target: "db", RefreshInterval: "1h", Ready: &ready, RefreshTime: now.Add(-30 * time.Hour)},
			{Name: "broken", Target: "x", Ready: &notReady, Reason: "SecretSyncedError"},
			{Name: "pending", Target: "y"},
			{Name: "once", Target: "z", RefreshInterval: "0", Ready: &ready, RefreshTime: now.Add(-time.Hour)},
			{Name: "fine", Target: "w", Ready: &ready, RefreshTime: now.Add(-30 * time.Minute)},
		},
	}
	n, err := inventory.Build("af", raw)
	if err != nil {
		t.Fatal(err)
	}
	fs, notes := inuse.Check(n, inuse.Options{Now: now, Policy: policy.Default()})
	var got []brief
	for _, f := range fs {
		got = append(got, brief{f.RuleID, f.Object.String(), f.Path, f.Severity.String()})
		if strings.Contains(f.Message, "s3cr3t") || strings.Contains(f.Message, catalog.DefaultFernetKey) {
			t.Errorf("secret value in message: %s", f.Message)
		}
	}
	want := []brief{
		{"secret-missing", "Secret af/gone", "", "low"}, // optional
		{"secret-key-missing", "Secret af/db", "data.nope", "high"},
		{"secret-public-default", "Secret af/keys", "data.fernet", "critical"},
		{"secret-rotation-overdue", "Secret af/keys", "", "medium"}, // 100 days, fernet limit 90
		{"secret-rotation-overdue", "Secret af/ssh", "", "medium"},  // 400 days, ssh limit 365
		{"secret-public-default", "Secret af/url", "data.conn", "high"},
		{"external-secret-stale", "ExternalSecret af/db-sync", "", "medium"},
		{"external-secret-not-ready", "ExternalSecret af/broken", "", "high"},
		{"external-secret-not-ready", "ExternalSecret af/pending", "", "high"},
		{"external-secret-no-refresh", "ExternalSecret af/once", "spec.refreshInterval", "low"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if len(notes) != 0 {
		t.Errorf("notes: %v", notes)
	}
}

// TestNoAirflowWorkloads: without a recognisable Airflow workload every
// workload's Secrets are checked, and a note says so.
func TestNoAirflowWorkloads(t *testing.T) {
	raw := &inventory.Raw{Deployments: []appsv1.Deployment{deployment("x", nil, corev1.PodSpec{Containers: []corev1.Container{{Name: "x",
		Env: []corev1.EnvVar{ref("TOKEN", "absent", "t", false)}}}})}}
	n, err := inventory.Build("af", raw)
	if err != nil {
		t.Fatal(err)
	}
	fs, notes := inuse.Check(n, inuse.Options{Now: now, Policy: policy.Default()})
	if len(fs) != 1 || fs[0].RuleID != "secret-missing" || len(notes) != 1 || !strings.Contains(notes[0], "no Airflow workload recognised") {
		t.Errorf("findings %v notes %v", fs, notes)
	}
}
