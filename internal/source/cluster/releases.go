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
func (c *Client) Releases(ctx context.Context, ns, name string) (rels []Release, problems []error) {
	filter := func(r release.Releaser) bool {
		v1, ok := r.(*rspb.Release)
		return ok && (name == "" || v1.Name == name)
	}
	selector := "owner=helm"
	if name != "" {
		selector += ",name=" + name
	}
	secrets := &recordingSecrets{SecretInterface: c.kube.CoreV1().Secrets(ns), ctx: ctx, selector: selector}
	got, err := driver.NewSecrets(secrets).List(filter)
	if secrets.err != nil {
		err = secrets.err
	}
	rels, problems = collect(rels, problems, got, err, SecretStorage, ns, secrets.names)

	cms := &recordingConfigMaps{ConfigMapInterface: c.kube.CoreV1().ConfigMaps(ns), ctx: ctx, selector: selector}
	got, err = driver.NewConfigMaps(cms).List(filter)
	if cms.err != nil {
		err = cms.err
	}
	rels, problems = collect(rels, problems, got, err, ConfigMapStorage, ns, cms.names)
	sort.Slice(rels, func(i, j int) bool {
		if rels[i].Name != rels[j].Name {
			return rels[i].Name < rels[j].Name
		}
		return rels[i].Revision < rels[j].Revision
	})
	return rels, problems
}

// collect converts decoded records and reports the listed ones the driver
// skipped: Helm's drivers drop undecodable records silently, and an
// audit must not.
func collect(rels []Release, problems []error, got []release.Releaser, err error, storage, ns string, listed []string) ([]Release, []error) {
	if err != nil {
		return rels, append(problems, wrap(fmt.Sprintf("list Helm release %ss in namespace %s", storage, ns), err))
	}
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

// recordingSecrets is the SecretInterface handed to Helm's driver: it
// pages through the list with the caller's context (the driver passes
// context.Background) and remembers which records were listed.
type recordingSecrets struct {
	corev1client.SecretInterface
	ctx      context.Context
	selector string
	names    []string
	err      error
}

func (r *recordingSecrets) List(_ context.Context, _ metav1.ListOptions) (*corev1.SecretList, error) {
	items, err := listAll(r.ctx, "", func(ctx context.Context, o metav1.ListOptions) (*corev1.SecretList, error) {
		o.LabelSelector = r.selector
		return r.SecretInterface.List(ctx, o)
	}, func(l *corev1.SecretList) ([]corev1.Secret, string) { return l.Items, l.Continue })
	if err != nil {
		r.err = err
		return nil, err
	}
	for _, s := range items {
		r.names = append(r.names, s.Name)
	}
	return &corev1.SecretList{Items: items}, nil
}

// recordingConfigMaps does for ConfigMaps what recordingSecrets does.
type recordingConfigMaps struct {
	corev1client.ConfigMapInterface
	ctx      context.Context
	selector string
	names    []string
	err      error
}

func (r *recordingConfigMaps) List(_ context.Context, _ metav1.ListOptions) (*corev1.ConfigMapList, error) {
	items, err := listAll(r.ctx, "", func(ctx context.Context, o metav1.ListOptions) (*corev1.ConfigMapList, error) {
		o.LabelSelector = r.selector
		return r.ConfigMapInterface.List(ctx, o)
	}, func(l *corev1.ConfigMapList) ([]corev1.ConfigMap, string) { return l.Items, l.Continue })
	if err != nil {
		r.err = err
		return nil, err
	}
	for _, s := range items {
		r.names = append(r.names, s.Name)
	}
	return &corev1.ConfigMapList{Items: items}, nil
}
