package eso_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/airlockhq/airlock/internal/externalize/eso"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/testcluster"
)

// TestServerSideDryRun installs the External Secrets Operator's real CRDs
// (from the module cache) into a real kube-apiserver and applies every
// generated object with server-side dry-run: the API server validates
// them against the CRDs' structural schemas, CEL rules included.
func TestServerSideDryRun(t *testing.T) {
	dir := CRDDir(t)
	ctx := context.Background()
	kc, err := testcluster.Start(ctx, testcluster.Options{})
	if errors.Is(err, testcluster.ErrNoBinaries) && !testcluster.Required() {
		t.Skipf("no test cluster: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Stop)
	cfg, err := clientcmd.BuildConfigFromFlags("", kc.Kubeconfig(testcluster.Admin))
	if err != nil {
		t.Fatal(err)
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"secretstores", "clustersecretstores", "externalsecrets"} {
		installCRD(t, dyn, filepath.Join(dir, "external-secrets.io_"+f+".yaml"), f)
	}
	create(t, dyn, "", "v1", "namespaces", mustObject(t, []byte("apiVersion: v1\nkind: Namespace\nmetadata: {name: airflow}\n")), false)

	for name, o := range stores() {
		t.Run(name, func(t *testing.T) {
			data, err := eso.SecretStore(o)
			if err != nil {
				t.Fatal(err)
			}
			res, ns := "secretstores", "airflow"
			if o.Kind == "ClusterSecretStore" {
				res, ns = "clustersecretstores", ""
			}
			if err := create(t, dyn, ns, "external-secrets.io/v1", res, mustObject(t, data), true); err != nil {
				t.Errorf("the API server rejects the %s: %v\n%s", o.Kind, err, data)
			}
			es, _ := eso.ExternalSecret("airflow-database", "airflow", o, "1h", []eso.Data{
				{SecretKey: "postgresql-password", RemoteKey: layout.Layout{Provider: o.Provider, Prefix: "airflow"}.Component("database"), Property: "postgresql-password"}})
			if err := create(t, dyn, "airflow", "external-secrets.io/v1", "externalsecrets", mustObject(t, es), true); err != nil {
				t.Errorf("the API server rejects the ExternalSecret: %v\n%s", err, es)
			}
		})
	}
	sa, _ := eso.ServiceAccount("airflow-external-secrets", "airflow", map[string]string{"eks.amazonaws.com/role-arn": "arn:aws:iam::111122223333:role/x"})
	if err := create(t, dyn, "airflow", "v1", "serviceaccounts", mustObject(t, sa), true); err != nil {
		t.Errorf("the API server rejects the ServiceAccount: %v", err)
	}
	// The server must be able to refuse: an unknown Azure authType.
	bad, _ := eso.SecretStore(stores()["azure SecretStore"])
	bad = bytes.Replace(bad, []byte("WorkloadIdentity"), []byte("StaticKey"), 1)
	if err := create(t, dyn, "airflow", "external-secrets.io/v1", "secretstores", mustObject(t, bad), true); err == nil {
		t.Error("the API server accepted an invalid SecretStore; the dry run proves nothing")
	}
}

func mustObject(t *testing.T, data []byte) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

func create(t *testing.T, dyn dynamic.Interface, ns, apiVersion, resource string, u *unstructured.Unstructured, dry bool) error {
	t.Helper()
	gv, _ := schema.ParseGroupVersion(apiVersion)
	r := dyn.Resource(gv.WithResource(resource))
	opts := metav1.CreateOptions{}
	if dry {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	var err error
	if ns != "" {
		_, err = r.Namespace(ns).Create(context.Background(), u, opts)
	} else {
		_, err = r.Create(context.Background(), u, opts)
	}
	if err != nil && !dry {
		t.Fatal(err)
	}
	return err
}

// installCRD creates a CRD from the module's file and waits until it serves.
func installCRD(t *testing.T, dyn dynamic.Interface, file, plural string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	create(t, dyn, "", "apiextensions.k8s.io/v1", "customresourcedefinitions", mustObject(t, data), false)
	gvr := schema.GroupVersionResource{Group: "external-secrets.io", Version: "v1", Resource: plural}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := dyn.Resource(gvr).List(context.Background(), metav1.ListOptions{Limit: 1}); err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("CRD %s not served after 60s", plural)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
