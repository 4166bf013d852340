package literal_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/audit/literal"
)

type brief struct{ Rule, Object, Path, Value string }

func TestCheck(t *testing.T) {
	yes := true
	podTemplate := `apiVersion: v1
kind: Pod
spec:
  containers:
    - name: base
      env:
        - name: AIRFLOW_CONN_WAREHOUSE
          value: postgresql://etl:Pod-Tmpl-Pw-77@wh:5432/db
`
	raw := &inventory.Raw{
		Pods: []corev1.Pod{
			{ObjectMeta: metav1.ObjectMeta{Name: "bare", Namespace: "af"}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c",
				Env: []corev1.EnvVar{{Name: "SLACK_TOKEN", Value: "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"}, {Name: "LOG_LEVEL", Value: "INFO"},
					{Name: "DB_PASSWORD", Value: "${DB_PASSWORD}"}, {Name: "AIRFLOW__CORE__SQL_ALCHEMY_CONN_CMD", Value: "cat /secrets/conn"}}}}}},
			{ObjectMeta: metav1.ObjectMeta{Name: "owned", Namespace: "af", OwnerReferences: []metav1.OwnerReference{{Kind: "ReplicaSet", Name: "rs", Controller: &yes}}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Env: []corev1.EnvVar{{Name: "API_KEY", Value: "Owned-Pod-Key-0099x"}}}}}},
		},
		Jobs: []batchv1.Job{{ObjectMeta: metav1.ObjectMeta{Name: "migrate", Namespace: "af"}, Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
			Spec: corev1.PodSpec{InitContainers: []corev1.Container{{Name: "wait", Command: []string{"psql", "--password", "J0b-Pass-5521"}}}}}}}},
		ConfigMaps: []corev1.ConfigMap{
			{ObjectMeta: metav1.ObjectMeta{Name: "pod-template", Namespace: "af"}, Data: map[string]string{"pod_template.yaml": podTemplate}},
			{ObjectMeta: metav1.ObjectMeta{Name: "settings", Namespace: "af"}, Data: map[string]string{
				"airflow.cfg": "[smtp]\nsmtp_password = Cfg-Smtp-Pw-1234\n", "HOSTNAME": "db.internal", "SMTP_USER": "airflow"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "kube-root-ca.crt", Namespace: "af"}, Data: map[string]string{"ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}},
			{ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1.af.v1", Namespace: "af", Labels: map[string]string{"owner": "helm"}},
				Data: map[string]string{"release": "H4sIAAAAAAAA"}},
		},
	}
	n, err := inventory.Build("af", raw)
	if err != nil {
		t.Fatal(err)
	}
	var got []brief
	for _, f := range literal.Check(n) {
		got = append(got, brief{f.RuleID, f.Object.String(), f.Path, f.Secret.Reveal()})
	}
	want := []brief{
		{"workload-literal-secret", "ConfigMap af/pod-template", "spec.containers[0].env[0].value", "Pod-Tmpl-Pw-77"},
		{"workload-literal-secret", "Job af/migrate", "spec.template.spec.initContainers[0].command", "J0b-Pass-5521"},
		{"workload-literal-secret", "Pod af/bare", "spec.containers[0].env[0].value", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"},
		{"configmap-credential", "ConfigMap af/settings", `data["airflow.cfg"]`, "Cfg-Smtp-Pw-1234"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
