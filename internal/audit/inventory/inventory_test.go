package inventory

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/source/cluster"
)

const manifest = `---
# Source: airflow/templates/rbac/airflow-serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: af-airflow
---
# Source: airflow/templates/rbac/airflow-role.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: af-airflow
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: af-web
spec:
  template:
    spec:
      serviceAccountName: af-airflow
      containers: [{name: web}]
`

func dep(name string, labels map[string]string, sa string) appsv1.Deployment {
	return appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: labels},
		Spec: appsv1.DeploymentSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: sa, Containers: []corev1.Container{{Name: "c"}}}}}}
}

func TestAirflowIdentification(t *testing.T) {
	tests := []struct {
		name      string
		raw       Raw
		wantWork  []string
		wantSAs   []string
		wantRoles []string
		byLabels  bool
	}{
		{
			name: "release manifest and labels",
			raw: Raw{
				Releases: []cluster.Release{
					{Name: "af", Revision: 1, Status: "superseded", Manifest: "kind: Deployment\nmetadata: {name: old}\n"},
					{Name: "af", Revision: 2, Status: "deployed", Manifest: manifest},
				},
				Deployments: []appsv1.Deployment{dep("af-web", nil, "af-airflow"), dep("old", nil, "x"), dep("task-runner", map[string]string{"release": "af"}, "runner"),
					dep("billing", map[string]string{"app": "billing"}, "billing")},
			},
			wantWork: []string{"Deployment/af-web", "Deployment/task-runner"}, wantSAs: []string{"af-airflow", "runner"},
			wantRoles: []string{"Role ns/af-airflow"},
		},
		{
			name:     "no Helm release: labels of either chart",
			raw:      Raw{Deployments: []appsv1.Deployment{dep("s", map[string]string{"app": "airflow"}, "a"), dep("o", map[string]string{"tier": "airflow"}, "b"), dep("x", nil, "c")}},
			wantWork: []string{"Deployment/o", "Deployment/s"}, wantSAs: []string{"a", "b"}, byLabels: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := Build("ns", &tt.raw)
			if err != nil {
				t.Fatal(err)
			}
			var work []string
			for w := range n.Airflow.Workloads {
				work = append(work, w.Kind+"/"+w.Name)
			}
			sorted := func(m map[string]bool) []string {
				var out []string
				for k := range m {
					out = append(out, k)
				}
				return sortStrings(out)
			}
			if diff := cmp.Diff(tt.wantWork, sortStrings(work)); diff != "" {
				t.Errorf("workloads (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantSAs, sorted(n.Airflow.ServiceAccounts)); diff != "" {
				t.Errorf("service accounts (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRoles, sorted(n.Airflow.Roles)); diff != "" {
				t.Errorf("roles (-want +got):\n%s", diff)
			}
			if n.Airflow.ByLabels != tt.byLabels {
				t.Errorf("ByLabels = %v", n.Airflow.ByLabels)
			}
		})
	}
}

func sortStrings(s []string) []string {
	slices.Sort(s)
	return s
}

func TestReleaseRecordsStayOutOfTheModel(t *testing.T) {
	raw := &Raw{Secrets: []corev1.Secret{
		{ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1.af.v1", Labels: map[string]string{"owner": "helm"}}, Type: "helm.sh/release.v1"},
		{ObjectMeta: metav1.ObjectMeta{Name: "db"}, Data: map[string][]byte{"password": []byte("x")}},
	}, ReleaseRecords: []string{"sh.helm.release.v1.af.v2"}}
	n, err := Build("ns", raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(n.Secrets) != 1 || n.Secrets["db"] == nil || len(n.Set.Secrets) != 1 {
		t.Errorf("secrets: %v / model %d", n.Secrets, len(n.Set.Secrets))
	}
	if diff := cmp.Diff([]string{"sh.helm.release.v1.af.v1", "sh.helm.release.v1.af.v2"}, sortStrings(n.ReleaseRecords)); diff != "" {
		t.Errorf("release records (-want +got):\n%s", diff)
	}
}

// FuzzManifestObjects: a release manifest comes from the cluster and may
// be anything; reading it must not panic.
func FuzzManifestObjects(f *testing.F) {
	f.Add(manifest)
	f.Add("---\n---\nkind: [\n")
	f.Add("kind: A\nmetadata: {name: b}\n---\n&a [*a]\n")
	f.Fuzz(func(t *testing.T, m string) {
		for _, o := range manifestObjects(m) {
			if o.kind == "" || o.name == "" {
				t.Errorf("empty identity %+v", o)
			}
		}
	})
}
