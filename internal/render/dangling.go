package render

import (
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// maxUses bounds how many referring workloads a message lists.
const maxUses = 4

// danglingGroup is one missing object or key and everything that needs it.
type danglingGroup struct {
	first workload.Dangling
	keys  []string // the keys wanted from a missing object
	// workloads in order, with how each one refers to the object
	workloads []string
	how       map[string][]string
}

func (g *danglingGroup) use(workload, how string) {
	if g.how == nil {
		g.how = map[string][]string{}
	}
	if _, ok := g.how[workload]; !ok {
		g.workloads = append(g.workloads, workload)
	}
	if !slices.Contains(g.how[workload], how) {
		g.how[workload] = append(g.how[workload], how)
	}
}

// uses describes the referring workloads: "Deployment x (env A, env B)".
func (g *danglingGroup) uses() []string {
	out := make([]string, len(g.workloads))
	for i, w := range g.workloads {
		out[i] = fmt.Sprintf("%s (%s)", w, strings.Join(first(g.how[w], 3), ", "))
	}
	return out
}

// dangling reports references to Secrets, ConfigMaps or keys that neither
// the manifests nor --secrets-from provide, once per missing object or
// key, naming the workloads that would not start.
func (c *checker) dangling() {
	groups := map[string]*danglingGroup{}
	var order []string
	for _, w := range c.set.Workloads {
		for _, d := range c.set.Dangling(w) {
			if d.Kind == workload.SecretRef && d.Reason == workload.MissingObject && c.providedBy(d.Name) != "" {
				c.usedProvided[d.Name] = true
				continue
			}
			// A missing object is one finding, whatever keys are wanted
			// from it; a missing key of an existing object is one per key.
			k := fmt.Sprintf("%v/%s/%v/%v", d.Kind, d.Name, d.Reason, d.Optional)
			if d.Reason == workload.MissingKey {
				k += "/" + d.Key
			}
			g, ok := groups[k]
			if !ok {
				g = &danglingGroup{first: d}
				groups[k] = g
				order = append(order, k)
			}
			if d.Key != "" && !slices.Contains(g.keys, d.Key) {
				g.keys = append(g.keys, d.Key)
			}
			g.use(workloadLabel(w), d.Use)
		}
	}
	for _, k := range order {
		c.reportDangling(groups[k])
	}
}

func (c *checker) reportDangling(g *danglingGroup) {
	d := g.first
	id := renderrule.DanglingSecret
	if d.Kind == workload.ConfigMapRef {
		id = renderrule.DanglingConfig
	}
	var sev finding.Severity
	if d.Optional {
		sev = finding.Low
	}
	doc, n := d.Workload.Doc, d.Node
	if e := d.Workload.Embedded; e != nil {
		k, _ := e.ConfigMap.Key(e.Key)
		doc, n = e.ConfigMap.Doc, k.Node
	}
	at := manifestPlace(doc, n)
	if rendered(doc) {
		if o, ok := c.traceRef(d); ok {
			at = valuesPlace(o)
		}
	} else if d.Workload.Embedded == nil {
		at.path = d.Path.String()
	}
	src := ""
	if o := c.set.Lookup(d.Kind, d.Workload.Namespace, d.Name); o != nil {
		src = objectSource(o, c.external)
	}
	token := fmt.Sprintf("%v/%s", d.Kind, d.Name)
	if d.Reason == workload.MissingKey {
		token += "/" + d.Key
	}
	c.emit(id, at, sev, danglingMessage(d, g.keys, g.uses(), src), "", token)
}

// traceRef finds the values line that named the missing key or object.
func (c *checker) traceRef(d workload.Dangling) (origin, bool) {
	if d.Reason == workload.MissingKey {
		if o, ok := c.trace.name(d.Key, true); ok {
			return o, true
		}
	}
	return c.trace.name(d.Name, false)
}

// danglingMessage says what is missing and who needs it; src says where
// the object that lacks a key came from.
func danglingMessage(d workload.Dangling, keys, uses []string, src string) string {
	var b strings.Builder
	switch {
	case d.Name == "":
		fmt.Fprintf(&b, "a %s reference without a name", d.Kind)
	case d.Reason == workload.MissingKey && d.Key == "":
		fmt.Fprintf(&b, "a reference to %s %q without a key", d.Kind, d.Name)
	case d.Reason == workload.MissingKey:
		fmt.Fprintf(&b, "%s %q (%s) has no key %q", d.Kind, d.Name, src, d.Key)
	default:
		fmt.Fprintf(&b, "%s %q is not created by these manifests and not given with --secrets-from", d.Kind, d.Name)
		switch len(keys) {
		case 0:
		case 1:
			fmt.Fprintf(&b, " (key %q)", keys[0])
		default:
			fmt.Fprintf(&b, " (keys %s)", strings.Join(quoteAll(keys), ", "))
		}
	}
	b.WriteString("; used by ")
	shown := uses
	if len(shown) > maxUses {
		shown = shown[:maxUses]
	}
	b.WriteString(strings.Join(shown, ", "))
	if len(uses) > maxUses {
		fmt.Fprintf(&b, " and %d more", len(uses)-maxUses)
	}
	if d.Optional {
		b.WriteString("; the reference is optional, so pods start without the value")
	} else {
		b.WriteString(": those pods will not start")
	}
	return b.String()
}

func quoteAll(s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = fmt.Sprintf("%q", x)
	}
	return out
}

// workloadLabel names a workload for messages; pods made from a template
// stored in a ConfigMap are the KubernetesExecutor's task pods.
func workloadLabel(w *workload.Workload) string {
	if e := w.Embedded; e != nil {
		return fmt.Sprintf("pods launched from %s of ConfigMap %s", e.Key, e.ConfigMap.Name)
	}
	return w.Kind + " " + w.Name
}

// providedBy names the absent subchart that creates the Secret, or "".
func (c *checker) providedBy(name string) string {
	for _, p := range c.opts.Provided {
		if p.Name == name {
			return p.By
		}
	}
	return ""
}

// objectSource describes where a referenced object came from, for messages.
func objectSource(o *workload.Object, external map[*workload.Object]bool) string {
	if external[o] {
		return "given with --secrets-from in " + o.Source()
	}
	if o.Doc.Src.Kind == yamltree.Rendered {
		return "rendered by " + o.Source()
	}
	return "in " + o.Source()
}
