// Package literal finds credentials written in plain text where Secrets
// should be used: literal environment values and command-line flags of
// every workload in the namespace (Airflow's or not: a literal secret is a
// leak wherever it is), pod templates stored in ConfigMaps, and ConfigMap
// data. It reuses the generic detectors of `airlock scan`, so the same
// value is judged the same way in a values file and in the cluster.
package literal

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Check reports literal secrets in one namespace.
func Check(n *inventory.Namespace) []audit.Finding {
	c := &collector{seen: map[string]bool{}}
	for _, w := range n.Set.Workloads {
		obj := audit.Object{Kind: w.Kind, Namespace: n.Name, Name: w.Name}
		where := w.Kind + " " + n.Name + "/" + w.Name
		if w.Embedded != nil {
			obj = audit.Object{Kind: "ConfigMap", Namespace: n.Name, Name: w.Embedded.ConfigMap.Name}
			where = fmt.Sprintf("the pod template in ConfigMap %s/%s (key %s)", n.Name, w.Embedded.ConfigMap.Name, w.Embedded.Key)
		}
		for _, ct := range w.Containers {
			c.container(obj, where, ct)
		}
	}
	for _, cm := range n.ConfigMaps {
		if inventory.IsReleaseRecord(cm.ObjectMeta, "") || cm.Name == "kube-root-ca.crt" {
			continue
		}
		obj := audit.Object{Kind: "ConfigMap", Namespace: n.Name, Name: cm.Name}
		keys := make([]string, 0, len(cm.Data))
		for k := range cm.Data {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			h, ok := classifyData(k, cm.Data[k])
			if ok {
				msg := fmt.Sprintf("ConfigMap %s/%s key %q: %s", n.Name, cm.Name, k, h.Detail)
				c.add(audit.RuleConfigMapCredential, obj, yamltree.Path{}.Key("data").Key(k).String(), msg, h.Secret)
			}
		}
	}
	return c.out
}

type collector struct {
	out  []audit.Finding
	seen map[string]bool // object + secret: one report per value per object
}

func (c *collector) container(obj audit.Object, where string, ct *workload.Container) {
	kind := "container"
	if ct.Init {
		kind = "init container"
	}
	for _, e := range ct.Env {
		if e.Value == nil || e.Value.Kind != yamltree.Scalar {
			continue
		}
		if h, ok := detect.ClassifyEnv(e.Name, e.Value.Value); ok {
			msg := fmt.Sprintf("%s %q of %s: %s", kind, ct.Name, where, detailOrEnv(h, e.Name))
			c.add(audit.RuleWorkloadLiteral, obj, e.Path.Key("value").String(), msg, h.Secret)
		}
	}
	for _, field := range []string{"command", "args"} {
		n := ct.Node.Get(field)
		if n == nil || n.Kind != yamltree.Seq {
			continue
		}
		var parts []string
		for _, it := range n.Items {
			parts = append(parts, it.Text())
		}
		if h, ok := detect.Inspect(strings.Join(parts, " ")); ok {
			msg := fmt.Sprintf("%s %q of %s: %s in its %s", kind, ct.Name, where, h.Detail, field)
			c.add(audit.RuleWorkloadLiteral, obj, ct.Path.Key(field).String(), msg, h.Secret)
		}
	}
}

func detailOrEnv(h detect.Hit, env string) string {
	if h.Detail != "" {
		return h.Detail
	}
	return "literal value of environment variable " + env
}

var envStyleRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*[A-Z0-9]$`)

// classifyData judges one ConfigMap entry: NAME_STYLE keys are
// environment variables (an envFrom source), other keys file names whose
// content is inspected.
func classifyData(key, v string) (detect.Hit, bool) {
	if strings.TrimSpace(v) == "" {
		return detect.Hit{}, false
	}
	if envStyleRE.MatchString(key) && strings.Contains(key, "_") {
		return detect.ClassifyEnv(key, v)
	}
	return detect.ClassifyKeyValue(key, v)
}

func (c *collector) add(id string, obj audit.Object, path, msg, secret string) {
	k := obj.URI() + "\x00" + secret
	if c.seen[k] {
		return
	}
	c.seen[k] = true
	m := audit.Meta(id)
	f := finding.Finding{RuleID: m.ID, Class: m.Class, Severity: m.Severity, Path: path, Message: msg, Remediation: m.Remediation,
		Secret: redact.New(secret), Origin: audit.OriginCluster, Fingerprint: audit.Fingerprint(m.ID, obj.URI(), path)}
	c.out = append(c.out, audit.Finding{Finding: f, Check: audit.Literals, Object: obj})
}
