// Package inventory is an audited namespace as the checks see it: its
// Secrets and ConfigMaps, its workloads in the workload model (live
// objects are converted to documents so the same resolver that serves
// manifests serves the cluster), its Helm releases, and which of it is
// Airflow's.
package inventory

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Raw are the objects read from one namespace; a nil slice means the read
// was not possible (the caller records why).
type Raw struct {
	Secrets         []corev1.Secret
	ConfigMaps      []corev1.ConfigMap
	Pods            []corev1.Pod
	Deployments     []appsv1.Deployment
	StatefulSets    []appsv1.StatefulSet
	DaemonSets      []appsv1.DaemonSet
	Jobs            []batchv1.Job
	CronJobs        []batchv1.CronJob
	Releases        []cluster.Release
	ExternalSecrets []cluster.ExternalSecret
	// ReleaseRecords names the Secrets holding Helm release records, of
	// every release in the namespace (Secrets does not include them).
	ReleaseRecords []string
}

// Namespace is one audited namespace.
type Namespace struct {
	Name string
	// Secrets by name, Helm release records excluded.
	Secrets map[string]*corev1.Secret
	// ReleaseRecords are the names of Helm's release record Secrets.
	ReleaseRecords []string
	ConfigMaps     []corev1.ConfigMap
	// Set is the workload model of the namespace's workloads, Secrets and
	// ConfigMaps (including pod templates stored in ConfigMaps).
	Set *workload.Set
	// Meta holds each workload's object metadata (labels, owners).
	Meta            map[*workload.Workload]metav1.ObjectMeta
	Releases        []cluster.Release
	ExternalSecrets []cluster.ExternalSecret
	Airflow         *Airflow
}

// Build assembles a namespace from what was read.
func Build(ns string, raw *Raw) (*Namespace, error) {
	n := &Namespace{Name: ns, Secrets: map[string]*corev1.Secret{}, ConfigMaps: raw.ConfigMaps, Set: &workload.Set{},
		Meta: map[*workload.Workload]metav1.ObjectMeta{}, Releases: raw.Releases, ExternalSecrets: raw.ExternalSecrets,
		ReleaseRecords: append([]string(nil), raw.ReleaseRecords...)}
	var docs []*yamltree.Document
	add := func(kind, apiVersion string, obj any, meta metav1.ObjectMeta) error {
		d, err := document(kind, apiVersion, meta, obj)
		if err != nil {
			return err
		}
		docs = append(docs, d)
		return nil
	}
	for i := range raw.Secrets {
		s := &raw.Secrets[i]
		if IsReleaseRecord(s.ObjectMeta, string(s.Type)) {
			if !slices.Contains(n.ReleaseRecords, s.Name) {
				n.ReleaseRecords = append(n.ReleaseRecords, s.Name)
			}
			continue
		}
		n.Secrets[s.Name] = s
		if err := add("Secret", "v1", corev1.Secret{ObjectMeta: clean(s.ObjectMeta), Type: s.Type, Data: s.Data, StringData: s.StringData}, s.ObjectMeta); err != nil {
			return nil, err
		}
	}
	sort.Strings(n.ReleaseRecords)
	for _, c := range raw.ConfigMaps {
		if IsReleaseRecord(c.ObjectMeta, "") {
			continue
		}
		if err := add("ConfigMap", "v1", corev1.ConfigMap{ObjectMeta: clean(c.ObjectMeta), Data: c.Data, BinaryData: c.BinaryData}, c.ObjectMeta); err != nil {
			return nil, err
		}
	}
	n.Set.Add(docs...)
	metas, err := addWorkloads(n.Set, raw)
	if err != nil {
		return nil, err
	}
	for _, w := range n.Set.Workloads {
		if m, ok := metas[w.Kind+"/"+w.Name]; ok && w.Embedded == nil {
			n.Meta[w] = m
		}
	}
	n.Airflow = findAirflow(n)
	return n, nil
}

// addWorkloads converts the pod-bearing objects. Pods and Jobs that a
// listed controller owns are left out: their controller's template is the
// one to fix, and counting them would repeat every finding per replica.
func addWorkloads(set *workload.Set, raw *Raw) (map[string]metav1.ObjectMeta, error) {
	metas := map[string]metav1.ObjectMeta{}
	var docs []*yamltree.Document
	add := func(kind, apiVersion string, meta metav1.ObjectMeta, obj any) error {
		d, err := document(kind, apiVersion, meta, obj)
		if err != nil {
			return err
		}
		metas[kind+"/"+meta.Name] = meta
		docs = append(docs, d)
		return nil
	}
	var errs []error
	for _, o := range raw.Deployments {
		errs = append(errs, add("Deployment", "apps/v1", o.ObjectMeta, appsv1.Deployment{ObjectMeta: clean(o.ObjectMeta), Spec: o.Spec}))
	}
	for _, o := range raw.StatefulSets {
		errs = append(errs, add("StatefulSet", "apps/v1", o.ObjectMeta, appsv1.StatefulSet{ObjectMeta: clean(o.ObjectMeta), Spec: o.Spec}))
	}
	for _, o := range raw.DaemonSets {
		errs = append(errs, add("DaemonSet", "apps/v1", o.ObjectMeta, appsv1.DaemonSet{ObjectMeta: clean(o.ObjectMeta), Spec: o.Spec}))
	}
	for _, o := range raw.CronJobs {
		errs = append(errs, add("CronJob", "batch/v1", o.ObjectMeta, batchv1.CronJob{ObjectMeta: clean(o.ObjectMeta), Spec: o.Spec}))
	}
	for _, o := range raw.Jobs {
		if !controlled(o.ObjectMeta, "CronJob") {
			errs = append(errs, add("Job", "batch/v1", o.ObjectMeta, batchv1.Job{ObjectMeta: clean(o.ObjectMeta), Spec: o.Spec}))
		}
	}
	for _, o := range raw.Pods {
		if !controlled(o.ObjectMeta, "ReplicaSet", "StatefulSet", "DaemonSet", "Job") {
			errs = append(errs, add("Pod", "v1", o.ObjectMeta, corev1.Pod{ObjectMeta: clean(o.ObjectMeta), Spec: o.Spec}))
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	set.Add(docs...)
	return metas, nil
}

func controlled(m metav1.ObjectMeta, kinds ...string) bool {
	for _, o := range m.OwnerReferences {
		if o.Controller != nil && *o.Controller {
			for _, k := range kinds {
				if o.Kind == k {
					return true
				}
			}
		}
	}
	return false
}

// IsReleaseRecord reports a Helm release record (Secret or ConfigMap).
func IsReleaseRecord(m metav1.ObjectMeta, secretType string) bool {
	return m.Labels["owner"] == "helm" && strings.HasPrefix(m.Name, "sh.helm.release.v1.") || secretType == "helm.sh/release.v1"
}

// document converts a live object to a yamltree document named like
// "Deployment airflow/web". Callers pass copies without status and with
// clean metadata: the model reads neither.
func document(kind, apiVersion string, meta metav1.ObjectMeta, obj any) (*yamltree.Document, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("encode %s %s/%s: %w", kind, meta.Namespace, meta.Name, err)
	}
	data := buf.Bytes()
	// Objects from typed lists have no kind; the model needs it.
	head := fmt.Sprintf(`{"kind":%q,"apiVersion":%q,`, kind, apiVersion)
	data = append([]byte(head), bytes.TrimPrefix(bytes.TrimSpace(data), []byte("{"))...)
	src := &yamltree.Source{Name: kind + " " + meta.Namespace + "/" + meta.Name, Kind: yamltree.Rendered}
	f, err := yamltree.Parse(src, data, yamltree.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", src.Name, err)
	}
	if len(f.Docs) == 0 {
		return nil, fmt.Errorf("read %s: empty document", src.Name)
	}
	return f.Docs[0], nil
}

// clean drops what the model does not read and can be large: managed
// fields and kubectl's last-applied copy of the whole object.
func clean(m metav1.ObjectMeta) metav1.ObjectMeta {
	m.ManagedFields = nil
	if _, ok := m.Annotations[lastApplied]; ok {
		a := make(map[string]string, len(m.Annotations))
		for k, v := range m.Annotations {
			if k != lastApplied {
				a[k] = v
			}
		}
		m.Annotations = a
	}
	return m
}

const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"
