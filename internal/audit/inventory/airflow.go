package inventory

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Airflow says which parts of a namespace belong to Airflow.
type Airflow struct {
	// Releases are the Airflow Helm releases by name.
	Releases map[string]bool
	// Objects are "Kind/name" of every object the deployed revisions
	// created, read from their manifests.
	Objects map[string]bool
	// Workloads are the Airflow workloads (including pod templates stored
	// in Airflow's ConfigMaps).
	Workloads map[*workload.Workload]bool
	// ServiceAccounts Airflow pods run as, by name.
	ServiceAccounts map[string]bool
	// Roles the releases created, as "Role NS/NAME" or "ClusterRole NAME".
	Roles map[string]bool
	// ByLabels is set when no Helm release was found and workloads were
	// recognised by their labels alone.
	ByLabels bool
}

// IsAirflow reports whether a workload is Airflow's.
func (n *Namespace) IsAirflow(w *workload.Workload) bool { return n.Airflow.Workloads[w] }

func findAirflow(n *Namespace) *Airflow {
	a := &Airflow{Releases: map[string]bool{}, Objects: map[string]bool{}, Workloads: map[*workload.Workload]bool{},
		ServiceAccounts: map[string]bool{}, Roles: map[string]bool{}}
	for _, r := range deployed(n.Releases) {
		a.Releases[r.Name] = true
		for _, o := range manifestObjects(r.Manifest) {
			a.Objects[o.kind+"/"+o.name] = true
			switch o.kind {
			case "ServiceAccount":
				a.ServiceAccounts[o.name] = true
			case "Role":
				a.Roles["Role "+n.Name+"/"+o.name] = true
			case "ClusterRole":
				a.Roles["ClusterRole "+o.name] = true
			}
		}
	}
	a.ByLabels = len(a.Releases) == 0
	cms := map[string]metav1.ObjectMeta{}
	for _, c := range n.ConfigMaps {
		cms[c.Name] = c.ObjectMeta
	}
	for _, w := range n.Set.Workloads {
		meta, kind, name := n.Meta[w], w.Kind, w.Name
		if w.Embedded != nil {
			meta, kind, name = cms[w.Embedded.ConfigMap.Name], "ConfigMap", w.Embedded.ConfigMap.Name
		}
		if a.Objects[kind+"/"+name] || a.labelled(meta) {
			a.Workloads[w] = true
			a.ServiceAccounts[w.ServiceAccount] = true
		}
	}
	return a
}

// labelled recognises Airflow objects by the labels the charts set: the
// airflow-helm chart's app/release, the official chart's tier/release,
// Helm's ownership annotation and the recommended app.kubernetes.io labels.
func (a *Airflow) labelled(m metav1.ObjectMeta) bool {
	l := m.Labels
	if len(a.Releases) > 0 {
		return a.Releases[l["release"]] || a.Releases[m.Annotations["meta.helm.sh/release-name"]] ||
			a.Releases[l["app.kubernetes.io/instance"]] || a.Releases[l["airflow-release"]]
	}
	return strings.Contains(l["app"], "airflow") || l["tier"] == "airflow" || l["app.kubernetes.io/name"] == "airflow"
}

// deployed returns each release's deployed revision (the newest when none
// is deployed): the one whose objects exist.
func deployed(rels []cluster.Release) []cluster.Release {
	best := map[string]cluster.Release{}
	var order []string
	for _, r := range rels {
		cur, ok := best[r.Name]
		if !ok {
			order = append(order, r.Name)
		}
		switch {
		case !ok:
			best[r.Name] = r
		case (r.Status == "deployed") != (cur.Status == "deployed"):
			if r.Status == "deployed" {
				best[r.Name] = r
			}
		case r.Revision > cur.Revision:
			best[r.Name] = r
		}
	}
	out := make([]cluster.Release, 0, len(order))
	for _, name := range order {
		out = append(out, best[name])
	}
	return out
}

type manifestObject struct{ kind, name string }

// manifestObjects reads kind and name of every document of a release
// manifest. Helm validated it when it was installed; a document that does
// not parse now is skipped rather than failing the audit.
func manifestObjects(manifest string) []manifestObject {
	var out []manifestObject
	for _, part := range strings.Split(manifest, "\n---") {
		f, err := yamltree.Parse(&yamltree.Source{Name: "manifest", Kind: yamltree.Rendered}, []byte(part), yamltree.DefaultLimits)
		if err != nil {
			continue
		}
		for _, d := range f.Docs {
			kind, name := d.Root.Get("kind").Text(), d.Root.Lookup("metadata", "name").Text()
			if kind != "" && name != "" {
				out = append(out, manifestObject{kind, name})
			}
		}
	}
	return out
}
