package render

import (
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/render/renderrule"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

var envNameRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// skippedSecretTypes hold data Kubernetes generates, never a user literal.
var skippedSecretTypes = map[string]bool{"kubernetes.io/service-account-token": true, "helm.sh/release.v1": true}

// secretObjects reports credentials in the Secrets and ConfigMaps the
// manifests create (not the ones given with --secrets-from: those are
// references' targets, and scanning them is a plain scan's job).
func (c *checker) secretObjects() {
	for _, o := range c.set.Secrets {
		if c.external[o] || skippedSecretTypes[o.Type] {
			continue
		}
		for _, k := range o.Keys {
			if h, ok := judgeKey(o, k); ok {
				c.literal(renderrule.SecretData, o.Doc, k.Node, h, fmt.Sprintf("key %q of Secret %s", k.Name, o.Name))
			}
		}
	}
	for _, o := range c.set.ConfigMaps {
		if c.external[o] {
			continue
		}
		for _, k := range o.Keys {
			if h, ok := judgeKey(o, k); ok {
				c.literal(renderrule.ConfigMapSecret, o.Doc, k.Node, h, fmt.Sprintf("key %q of ConfigMap %s", k.Name, o.Name))
			}
		}
	}
}

// judgeKey decides whether one entry of a Secret or ConfigMap holds a
// credential: files by their content (scripts, config, JSON), environment
// entries by their variable name (so *_CMD commands are not secrets), and
// other Secret entries as the generic Secret-manifest rule does (secret
// unless plainly not, such as a host or a username).
func judgeKey(o *workload.Object, k workload.Key) (detect.Hit, bool) {
	v := k.Value.Reveal()
	if strings.TrimSpace(v) == "" || k.Invalid {
		return detect.Hit{}, false
	}
	switch ext := strings.ToLower(path.Ext(k.Name)); ext {
	case ".py":
		return detect.ScanText(v, detect.PythonText)
	case ".yaml", ".yml", ".json", ".ini", ".cfg", ".conf", ".properties", ".toml", ".txt", ".sh", ".env":
		return detect.ScanText(v, detect.AutoText)
	}
	if envNameRE.MatchString(k.Name) {
		return detect.ClassifyEnv(k.Name, v)
	}
	if o.Kind != "Secret" {
		return detect.ClassifyKeyValue(k.Name, v)
	}
	field := &yamltree.Cursor{Path: k.Path.Parent(), Node: o.Node.Get(k.Path.Parent().Last()), Parent: &yamltree.Cursor{Node: o.Node}}
	return detect.Classify(&yamltree.Cursor{Path: k.Path, Node: k.Node, Parent: field})
}

// envLiterals reports containers that set a secret environment variable
// with a literal value.
func (c *checker) envLiterals() {
	for _, w := range c.set.Workloads {
		for _, ct := range w.Containers {
			for _, e := range ct.Env {
				if e.Value == nil || e.Value.Kind != yamltree.Scalar {
					continue
				}
				h, ok := detect.ClassifyEnv(e.Name, e.Value.Value)
				if !ok {
					continue
				}
				d, n := w.Doc, e.Value
				what := fmt.Sprintf("env %s of container %s in %s %s", e.Name, ct.Name, w.Kind, w.Name)
				if w.Embedded != nil {
					// The pod template lives in a ConfigMap value: point there.
					cm := w.Embedded.ConfigMap
					k, _ := cm.Key(w.Embedded.Key)
					d, n = cm.Doc, k.Node
					what += fmt.Sprintf(" (pod template %q of ConfigMap %s)", w.Embedded.Key, cm.Name)
				}
				c.literal(renderrule.EnvSecret, d, n, h, what)
			}
		}
	}
}

// literal reports a hardcoded secret found in a manifest. In rendered
// output it is traced back to the values: a value the values scan already
// reported is not reported again, a public chart default is left to the
// insecure-default rules, and otherwise the finding points at the values
// line. Untraced, it points at the template.
func (c *checker) literal(id string, d *yamltree.Document, n *yamltree.Node, h detect.Hit, what string) {
	at := manifestPlace(d, n)
	msg := what
	if rendered(d) {
		msg += " rendered by " + d.Src.Name
		if o, ok := c.trace.secret(h.Secret); ok {
			if !o.user() || c.trace.isKnown(o) {
				return
			}
			at = valuesPlace(o)
			msg += ", from " + at.path
		}
	} else {
		at.path = pathOf(d, n)
	}
	if h.Detail != "" {
		msg += " (" + h.Detail + ")"
	}
	c.emit(id, at, 0, msg, h.Secret, what)
}

// pathOf finds a node's path in a user manifest, for valuesPath.
func pathOf(d *yamltree.Document, n *yamltree.Node) string {
	var found string
	_ = yamltree.Walk(d.Root, &yamltree.Budget{Left: yamltree.DefaultLimits.MaxVisits, File: d.Src.Name}, func(c *yamltree.Cursor) bool {
		if found != "" {
			return false
		}
		if c.Node == n {
			found = c.Path.String()
			return false
		}
		return true
	})
	return found
}
