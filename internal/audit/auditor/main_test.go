package auditor_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	authzv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/testcluster"
)

// kube is the one API server this package's tests share.
var kube *testcluster.Cluster

// Test identities beside the admin: auditor gets the manifest in
// deploy/audit-rbac.yaml, nsreader only namespace reads, nobody nothing.
var users = []testcluster.User{{Name: "auditor"}, {Name: "nsreader"}, {Name: "nobody"}}

func TestMain(m *testing.M) {
	os.Exit(testcluster.Main(m, testcluster.Options{Users: users}, &kube))
}

func restConfig(t testing.TB, user string) *rest.Config {
	t.Helper()
	c := testcluster.Need(t, kube)
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig(user))
	if err != nil {
		t.Fatal(err)
	}
	cfg.QPS, cfg.Burst = 200, 400
	return cfg
}

func clients(t testing.TB) (kubernetes.Interface, dynamic.Interface) {
	t.Helper()
	cfg := restConfig(t, testcluster.Admin)
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return cs, dyn
}

// auditClient is airlock's own client for user, built from a kubeconfig
// file as the CLI builds it.
func auditClient(t testing.TB, user string) *cluster.Client {
	t.Helper()
	c, err := cluster.Open(cluster.Options{Kubeconfig: testcluster.Need(t, kube).Kubeconfig(user)})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newNamespace creates a namespace for one test: without a
// controller-manager namespaces never finish deleting, so tests never
// share or reuse one.
func newNamespace(t testing.TB, cs kubernetes.Interface, prefix string) string {
	t.Helper()
	ns, err := cs.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: strings.TrimSuffix(prefix, "-") + "-"}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return ns.Name
}

// restGetter points the Helm SDK at the test API server as admin.
func restGetter(t testing.TB, ns string) genericclioptions.RESTClientGetter {
	t.Helper()
	path := testcluster.Need(t, kube).Kubeconfig(testcluster.Admin)
	f := genericclioptions.NewConfigFlags(false)
	f.KubeConfig, f.Namespace = &path, &ns
	return f
}

func isAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }

// canList asks the authorizer whether user may list resource in ns.
func canList(cs kubernetes.Interface, user, ns, resource string) (bool, error) {
	r, err := cs.AuthorizationV1().SubjectAccessReviews().Create(bg, &authzv1.SubjectAccessReview{Spec: authzv1.SubjectAccessReviewSpec{
		User: user, ResourceAttributes: &authzv1.ResourceAttributes{Namespace: ns, Verb: "list", Resource: resource}}}, metav1.CreateOptions{})
	if err != nil {
		return false, err
	}
	return r.Status.Allowed, nil
}

func sleep() { time.Sleep(100 * time.Millisecond) }

func registry(t testing.TB) *rule.Registry {
	t.Helper()
	reg, err := scan.DefaultRegistry()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}
