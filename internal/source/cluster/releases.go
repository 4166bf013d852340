package cluster

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	corev1client "k8s.io/client-go/kubernetes/typed/core/v1"

	"helm.sh/helm/v4/pkg/release"
	rspb "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage/driver"
)

// Storage backends of Helm release records that live in the cluster.
const (
	SecretStorage    = "Secret"
	ConfigMapStorage = "ConfigMap"
)

// Release is one revision of a Helm release, as Helm stored it.
type Release struct {
	Name      string
	Namespace string
	Revision  int
	Status    string // deployed, superseded, failed, ...
	// Deployed is when the revision was deployed (Helm's last_deployed).
	Deployed    time.Time
	Description string
	Chart       ChartMeta
	// Values are the user-supplied values of the revision (helm -f/--set),
	// not merged with the chart defaults.
	Values map[string]any
	// ChartValues are the chart's own defaults embedded in the record.
	ChartValues map[string]any
	// Manifest is the rendered manifest Helm applied.
	Manifest string
	// Storage is SecretStorage or ConfigMapStorage; Object is the name of
	// the Secret or ConfigMap holding the record.
	Storage string
	Object  string
}

// ChartMeta identifies the released chart.
type ChartMeta struct {
	Name, Version, AppVersion string
}

// Releases decodes every Helm release record in a namespace with the Helm
// SDK's storage drivers (Secret and ConfigMap), restricted to one release
// name when name is not empty. Revisions are sorted by release name and
// revision. Problems lists reads that failed and records that could not be
// decoded; the releases that could be read are returned either way.
//
// Each record holds the whole chart (templates, files, defaults) and a
// rendered manifest, often megabytes once decompressed; records are read
// a page at a time and only what the audit needs is kept, so memory does
// not grow with the chart size times the history length.
func (c *Client) Releases(ctx context.Context, ns, name string) (rels []Release, problems []error) {
	filter := func(r release.Releaser) bool {
		v1, ok := r.(*rspb.Release)
		return ok && (name == "" || v1.Name == name)
	}
	selector := "owner=helm"
	if name != "" {
		selector += ",name=" + name
	}
	sp := &secretPages{SecretInterface: c.kube.CoreV1().Secrets(ns),
		pages: pages{ctx: ctx, selector: selector, op: inNamespace("Helm release Secrets", ns)}}
	rels, problems = drain(driver.NewSecrets(sp), &sp.pages, filter, SecretStorage, ns, rels, problems)
	cp := &configMapPages{ConfigMapInterface: c.kube.CoreV1().ConfigMaps(ns),
		pages: pages{ctx: ctx, selector: selector, op: inNamespace("Helm release ConfigMaps", ns)}}
	rels, problems = drain(driver.NewConfigMaps(cp), &cp.pages, filter, ConfigMapStorage, ns, rels, problems)
	sort.Slice(rels, func(i, j int) bool {
		if rels[i].Name != rels[j].Name {
			return rels[i].Name < rels[j].Name
		}
		return rels[i].Revision < rels[j].Revision
	})
	return rels, problems
}

// recordPage is how many release records are decoded at once.
const recordPage = 8

type lister interface {
	List(filter func(release.Releaser) bool) ([]release.Releaser, error)
}

// drain calls the driver's List until the pages run out: each call makes
// the wrapped client return the next page.
func drain(d lister, p *pages, filter func(release.Releaser) bool, storage, ns string, rels []Release, problems []error) ([]Release, []error) {
	for {
		got, err := d.List(filter)
		if p.err != nil {
			err = p.err
		}
		if err != nil {
			return rels, append(problems, wrap(p.op, err))
		}
		rels, problems = collect(rels, problems, got, storage, ns, p.names)
		if p.next == "" {
			return rels, problems
		}
	}
}

// collect converts decoded records and reports the listed ones the driver
// skipped: Helm's drivers drop undecodable records silently, and an
// audit must not.
func collect(rels []Release, problems []error, got []release.Releaser, storage, ns string, listed []string) ([]Release, []error) {
	decoded := map[string]bool{}
	for _, r := range got {
		v1 := r.(*rspb.Release) // the filter admitted only these
		rel := convert(v1, storage)
		decoded[rel.Object] = true
		rels = append(rels, rel)
	}
	for _, n := range listed {
		if !decoded[n] {
			problems = append(problems, &Error{Op: fmt.Sprintf("decode Helm release %s %s/%s", storage, ns, n), Reason: Failed,
				Err: fmt.Errorf("not a readable Helm v3 release record")})
		}
	}
	return rels, problems
}

func convert(r *rspb.Release, storage string) Release {
	out := Release{Name: r.Name, Namespace: r.Namespace, Revision: r.Version, Values: r.Config, Storage: storage, Manifest: r.Manifest,
		Object: "sh.helm.release.v1." + r.Name + ".v" + strconv.Itoa(r.Version)}
	if r.Info != nil {
		out.Status, out.Description, out.Deployed = string(r.Info.Status), r.Info.Description, r.Info.LastDeployed
		if out.Deployed.IsZero() {
			out.Deployed = r.Info.FirstDeployed
		}
	}
	if r.Chart != nil {
		out.ChartValues = r.Chart.Values
		if m := r.Chart.Metadata; m != nil {
			out.Chart = ChartMeta{Name: m.Name, Version: m.Version, AppVersion: m.AppVersion}
		}
	}
	return out
}

// pages is the paging state shared by the client wrappers handed to Helm's
// drivers. The drivers list with context.Background and no limit; the
// wrappers use the audit's context and return one page per call, and
// remember which records each page listed.
type pages struct {
	ctx      context.Context
	selector string
	op       string
	next     string   // continue token; "" after the last page
	names    []string // records of the current page
	err      error
}

func (p *pages) options() metav1.ListOptions {
	return metav1.ListOptions{LabelSelector: p.selector, Limit: recordPage, Continue: p.next}
}

type secretPages struct {
	corev1client.SecretInterface
	pages
}

func (w *secretPages) List(_ context.Context, _ metav1.ListOptions) (*corev1.SecretList, error) {
	l, err := w.SecretInterface.List(w.ctx, w.options())
	if err != nil {
		w.err, w.next = err, ""
		return nil, err
	}
	w.next, w.names = l.Continue, w.names[:0]
	for _, s := range l.Items {
		w.names = append(w.names, s.Name)
	}
	return l, nil
}

type configMapPages struct {
	corev1client.ConfigMapInterface
	pages
}

func (w *configMapPages) List(_ context.Context, _ metav1.ListOptions) (*corev1.ConfigMapList, error) {
	l, err := w.ConfigMapInterface.List(w.ctx, w.options())
	if err != nil {
		w.err, w.next = err, ""
		return nil, err
	}
	w.next, w.names = l.Continue, w.names[:0]
	for _, s := range l.Items {
		w.names = append(w.names, s.Name)
	}
	return l, nil
}
