package render

import (
	"fmt"
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
	uses  []string
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
			k := fmt.Sprintf("%v/%s/%s/%v/%v", d.Kind, d.Name, d.Key, d.Reason, d.Optional)
			g, ok := groups[k]
			if !ok {
				g = &danglingGroup{first: d}
				groups[k] = g
				order = append(order, k)
			}
			use := fmt.Sprintf("%s (%s)", workloadLabel(w), d.Use)
			if len(g.uses) == 0 || g.uses[len(g.uses)-1] != use {
				g.uses = append(g.uses, use)
			}
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
	c.emit(id, at, sev, danglingMessage(d, g.uses, src), "", fmt.Sprintf("%v/%s/%s", d.Kind, d.Name, d.Key))
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
func danglingMessage(d workload.Dangling, uses []string, src string) string {
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
		if d.Key != "" {
			fmt.Fprintf(&b, " (key %q)", d.Key)
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
