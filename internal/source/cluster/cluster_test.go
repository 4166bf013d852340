package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynfake "k8s.io/client-go/dynamic/fake"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"

	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	rcommon "helm.sh/helm/v4/pkg/release/common"
	rspb "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/airlockhq/airlock/internal/source/cluster"
)

var bg = context.Background()

func TestReasons(t *testing.T) {
	gr := schema.GroupResource{Resource: "secrets"}
	tests := []struct {
		name string
		err  error
		want cluster.Reason
	}{
		{name: "forbidden", err: apierrors.NewForbidden(gr, "", errors.New("no")), want: cluster.Forbidden},
		{name: "unauthorized", err: apierrors.NewUnauthorized("expired"), want: cluster.Unauthorized},
		{name: "not found", err: apierrors.NewNotFound(gr, "x"), want: cluster.NotInstalled},
		{name: "connection refused", err: &url.Error{Op: "Get", URL: "https://x", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}, want: cluster.Unreachable},
		{name: "wrapped forbidden", err: fmt.Errorf("list: failed to list: %w", apierrors.NewForbidden(gr, "", errors.New("no"))), want: cluster.Forbidden},
		{name: "server error", err: apierrors.NewInternalError(errors.New("etcd")), want: cluster.Failed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kube := fake.NewClientset()
			kube.PrependReactor("list", "secrets", func(k8stesting.Action) (bool, runtime.Object, error) { return true, nil, tt.err })
			_, err := cluster.New(kube, nil, cluster.Info{}).Secrets(bg, "ns")
			var ce *cluster.Error
			if !errors.As(err, &ce) || ce.Reason != tt.want || ce.Op != "list secrets in namespace ns" {
				t.Errorf("got %v (%T), want reason %v", err, err, tt.want)
			}
		})
	}
}

// TestPaging: lists follow continue tokens; Secrets leave Helm's records
// out with a label selector.
func TestPaging(t *testing.T) {
	kube := fake.NewClientset()
	var selectors []string
	kube.PrependReactor("list", "secrets", func(a k8stesting.Action) (bool, runtime.Object, error) {
		o := a.(k8stesting.ListActionImpl).ListOptions
		selectors = append(selectors, o.LabelSelector)
		page, _ := strconv.Atoi(o.Continue)
		l := &corev1.SecretList{Items: []corev1.Secret{{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprint("s", page)}}}}
		if page < 2 {
			l.Continue = strconv.Itoa(page + 1)
		}
		return true, l, nil
	})
	got, err := cluster.New(kube, nil, cluster.Info{}).Secrets(bg, "ns")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range got {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"s0", "s1", "s2"}, names); diff != "" {
		t.Errorf("pages (-want +got):\n%s", diff)
	}
	if selectors[0] != "owner!=helm" {
		t.Errorf("selector %q", selectors[0])
	}
}

func release(name string, rev int, status string, config map[string]any) *rspb.Release {
	return &rspb.Release{Name: name, Namespace: "ns", Version: rev, Config: config,
		Info:  &rspb.Info{Status: rcommon.Status(status), LastDeployed: time.Date(2026, 1, rev, 0, 0, 0, 0, time.UTC)},
		Chart: &chartv2.Chart{Metadata: &chartv2.Metadata{Name: "airflow", Version: "8.9.0", APIVersion: "v2"}, Values: map[string]any{"a": 1.0}}}
}

// TestReleases writes records with Helm's own drivers (Secret and
// ConfigMap) and reads them back, one corrupt record included: it is
// reported, not dropped silently.
func TestReleases(t *testing.T) {
	kube := fake.NewClientset()
	secrets := driver.NewSecrets(kube.CoreV1().Secrets("ns"))
	for rev := 1; rev <= 20; rev++ {
		r := release("airflow", rev, "superseded", map[string]any{"rev": float64(rev)})
		if err := secrets.Create(fmt.Sprintf("sh.helm.release.v1.airflow.v%d", rev), r); err != nil {
			t.Fatal(err)
		}
	}
	if err := driver.NewConfigMaps(kube.CoreV1().ConfigMaps("ns")).Create("sh.helm.release.v1.etl.v1", release("etl", 1, "deployed", nil)); err != nil {
		t.Fatal(err)
	}
	corrupt := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "sh.helm.release.v1.broken.v1", Namespace: "ns",
		Labels: map[string]string{"owner": "helm", "name": "broken"}}, Data: map[string][]byte{"release": []byte("not base64 gzip")}}
	if _, err := kube.CoreV1().Secrets("ns").Create(bg, corrupt, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	c := cluster.New(kube, nil, cluster.Info{})

	rels, problems := c.Releases(bg, "ns", "")
	var got []string
	for _, r := range rels {
		got = append(got, fmt.Sprintf("%s/%d/%s", r.Name, r.Revision, r.Storage))
	}
	if len(got) != 21 || got[0] != "airflow/1/Secret" || got[19] != "airflow/20/Secret" || got[20] != "etl/1/ConfigMap" {
		t.Errorf("releases: %v", got)
	}
	if rels[4].Values["rev"] != 5.0 || rels[4].Chart.Version != "8.9.0" || rels[4].ChartValues["a"] != 1.0 || rels[4].Object != "sh.helm.release.v1.airflow.v5" {
		t.Errorf("revision 5: %+v", rels[4])
	}
	if len(problems) != 1 || cluster.ReasonOf(problems[0]) != cluster.Failed || !strings.Contains(problems[0].Error(), "sh.helm.release.v1.broken.v1") {
		t.Errorf("problems: %v", problems)
	}
	one, problems := c.Releases(bg, "ns", "etl")
	if len(one) != 1 || one[0].Name != "etl" || len(problems) != 0 {
		t.Errorf("--release etl: %v %v", one, problems)
	}
}

func TestExternalSecrets(t *testing.T) {
	es := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "external-secrets.io/v1", "kind": "ExternalSecret",
		"metadata": map[string]any{"name": "db", "namespace": "ns"},
		"spec":     map[string]any{"refreshInterval": "15m", "secretStoreRef": map[string]any{"name": "vault"}},
		"status": map[string]any{"refreshTime": "2026-01-02T03:04:05Z",
			"conditions": []any{map[string]any{"type": "Ready", "status": "False", "reason": "SecretSyncedError", "message": "denied"}}}}}
	scheme := runtime.NewScheme()
	gvr := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: "externalsecrets"}
	dyn := dynfake.NewSimpleDynamicClientWithCustomListKinds(scheme, map[schema.GroupVersionResource]string{gvr: "ExternalSecretList"}, es)

	kube := fake.NewClientset()
	if _, err := cluster.New(kube, dyn, cluster.Info{}).ExternalSecrets(bg, "ns"); cluster.ReasonOf(err) != cluster.NotInstalled {
		t.Errorf("without the API group: %v", err)
	}
	kube.Discovery().(*fakediscovery.FakeDiscovery).Resources = []*metav1.APIResourceList{{GroupVersion: "external-secrets.io/v1",
		APIResources: []metav1.APIResource{{Name: "externalsecrets", Kind: "ExternalSecret", Namespaced: true}}}}
	got, err := cluster.New(kube, dyn, cluster.Info{}).ExternalSecrets(bg, "ns")
	if err != nil {
		t.Fatal(err)
	}
	no := false
	want := []cluster.ExternalSecret{{Name: "db", Namespace: "ns", APIVersion: "external-secrets.io/v1", RefreshInterval: "15m", Target: "db",
		StoreKind: "SecretStore", StoreName: "vault", Ready: &no, Reason: "SecretSyncedError", Message: "denied",
		RefreshTime: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
