package agent

import (
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/workload"
)

// Needs reads a rendered deployment: for each component, the files whose
// path appears in the environment of one of its pods' containers
// (literal values, and Secret or ConfigMap keys they load, such as the
// chart's config Secret with the _CMD commands). Workloads that are no
// known component (pgbouncer, extra manifests) are left out: they do not
// run Airflow.
func Needs(set *workload.Set, files []File) map[string][]string {
	out := map[string][]string{}
	for _, w := range set.Workloads {
		c, ok := componentOf(w)
		if !ok {
			continue
		}
		if _, seen := out[c.Name]; !seen {
			out[c.Name] = nil
		}
		for _, ct := range w.Containers {
			env, _ := set.ResolveEnv(ct)
			for _, r := range env {
				v := envText(r)
				for _, f := range files {
					if strings.Contains(v, f.Path()) && !slices.Contains(out[c.Name], f.Name) {
						out[c.Name] = append(out[c.Name], f.Name)
					}
				}
			}
		}
	}
	for k := range out {
		slices.Sort(out[k])
	}
	return out
}

// Kinds reports, per component, whether all its rendered workloads run to
// completion (Jobs, and KubernetesExecutor task pods).
func Kinds(set *workload.Set) map[string]bool {
	out := map[string]bool{}
	for _, w := range set.Workloads {
		c, ok := componentOf(w)
		if !ok {
			continue
		}
		job := w.Kind == "Job" || w.Kind == "CronJob" || w.Embedded != nil || w.Kind == "Pod"
		if prev, seen := out[c.Name]; seen {
			job = job && prev
		}
		out[c.Name] = job
	}
	return out
}

func componentOf(w *workload.Workload) (Component, bool) {
	if w.Embedded != nil {
		return ComponentNamed("kubernetes-pod")
	}
	root := w.Doc.Root
	label := root.Lookup("metadata", "labels", "component").Text()
	if label == "" {
		label = root.Lookup("spec", "template", "metadata", "labels", "component").Text()
	}
	return componentOfLabel(label)
}

func envText(r workload.Resolved) string {
	switch {
	case r.Origin == workload.Literal && r.Value != nil:
		return r.Value.Text()
	case r.Data != nil:
		return r.Data.Value.Reveal()
	}
	return ""
}
