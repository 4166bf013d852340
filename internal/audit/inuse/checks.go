package inuse

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Check runs the Secrets-in-use checks on one namespace.
func Check(n *inventory.Namespace, o Options) ([]audit.Finding, []string) {
	var notes []string
	var ws []*workload.Workload
	for _, w := range n.Set.Workloads {
		if n.IsAirflow(w) {
			ws = append(ws, w)
		}
	}
	if len(ws) == 0 && len(n.Set.Workloads) > 0 {
		ws = n.Set.Workloads
		notes = append(notes, fmt.Sprintf("namespace %s: no Airflow workload recognised; Secrets in use were checked for all %d workloads", n.Name, len(ws)))
	}
	used, dangling := collect(n, ws)
	eso := map[string]*cluster.ExternalSecret{}
	for i := range n.ExternalSecrets {
		eso[n.ExternalSecrets[i].Target] = &n.ExternalSecrets[i]
	}
	out := missing(n, dangling, eso)
	for _, name := range sortedKeys(used) {
		s := n.Secrets[name]
		if s == nil {
			continue // reported as missing
		}
		out = append(out, publicDefaults(n, s, used[name].uses)...)
		if f, ok := rotation(n, s, used[name].uses, eso[name], o); ok {
			out = append(out, f)
		}
	}
	out = append(out, externalSecrets(n, o.Now)...)
	return out, notes
}

func secretObject(ns, name string) audit.Object {
	return audit.Object{Kind: "Secret", Namespace: ns, Name: name}
}

func newFinding(id string, sev finding.Severity, obj audit.Object, path, msg string) audit.Finding {
	m := audit.Meta(id)
	if sev == 0 {
		sev = m.Severity
	}
	f := finding.Finding{RuleID: m.ID, Class: m.Class, Severity: sev, Path: path, Message: msg, Remediation: m.Remediation,
		Origin: audit.OriginCluster, Fingerprint: audit.Fingerprint(m.ID, obj.URI(), path)}
	return audit.Finding{Finding: f, Check: audit.SecretsInUse, Object: obj}
}

func keyPath(key string) string {
	if key == "" {
		return ""
	}
	return yamltree.Path{}.Key("data").Key(key).String()
}

// missing groups unresolved Secret references by Secret and key.
func missing(n *inventory.Namespace, ds []workload.Dangling, eso map[string]*cluster.ExternalSecret) []audit.Finding {
	type key struct {
		name, key string
		reason    workload.Reason
	}
	groups := map[key][]workload.Dangling{}
	var order []key
	for _, d := range ds {
		if d.Kind != workload.SecretRef {
			continue
		}
		k := key{d.Name, d.Key, d.Reason}
		if d.Reason == workload.MissingObject {
			k.key = "" // one finding per missing Secret, whatever keys were wanted
		}
		if groups[k] == nil {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d)
	}
	var out []audit.Finding
	for _, k := range order {
		g := groups[k]
		optional := true
		var users []string
		for _, d := range g {
			optional = optional && d.Optional
			users = appendUnique(users, describe(d.Workload)+" ("+d.Use+")")
		}
		id, what := audit.RuleSecretMissing, fmt.Sprintf("Secret %s/%s does not exist", n.Name, k.name)
		if k.reason == workload.MissingKey {
			id, what = audit.RuleSecretKeyMissing, fmt.Sprintf("Secret %s/%s has no key %q", n.Name, k.name, k.key)
		}
		sev := finding.Severity(0)
		msg := what + "; used by " + strings.Join(users, ", ")
		if optional {
			sev = finding.Low
			msg += "; every reference is optional, so the pods start without the value"
		}
		if es := eso[k.name]; es != nil {
			msg += fmt.Sprintf("; ExternalSecret %s should write it (%s)", es.Name, readiness(es))
		}
		out = append(out, newFinding(id, sev, secretObject(n.Name, k.name), keyPath(k.key), msg))
	}
	return out
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// publicDefaults reports keys holding a credential the airflow-helm chart
// publishes in its values.yaml.
func publicDefaults(n *inventory.Namespace, s *corev1.Secret, uses []use) []audit.Finding {
	var out []audit.Finding
	seen := map[string]bool{}
	for _, u := range uses {
		k := policy.Classify(u.env, u.key, string(s.Type))
		what, sev, ok := publicDefault(k, *u.value)
		if !ok || seen[u.key] {
			continue
		}
		seen[u.key] = true
		msg := fmt.Sprintf("Secret %s/%s key %q holds %s, published in the airflow-helm chart's values.yaml; used by %s (%s)", n.Name, s.Name, u.key, what, u.workload, u.how)
		f := newFinding(audit.RuleSecretPublicDefault, sev, secretObject(n.Name, s.Name), keyPath(u.key), msg)
		f.Secret = *u.value
		out = append(out, f)
	}
	return out
}

func publicDefault(k policy.Kind, v redact.Value) (string, finding.Severity, bool) {
	switch k {
	case policy.FernetKey:
		return "the chart's default fernet key", finding.Critical, v == redact.New(catalog.DefaultFernetKey)
	case policy.WebserverSecretKey:
		return "the chart's default webserver secret key", finding.High, v == redact.New(catalog.DefaultWebserverSecretKey)
	case policy.DatabasePassword, policy.RedisPassword:
		if v == redact.New(catalog.DefaultDBPassword) || urlPassword(v) == catalog.DefaultDBPassword {
			return "the embedded database's default password \"airflow\"", finding.High, true
		}
	}
	return "", 0, false
}

// urlPassword reads the password of a connection URL held in a Secret
// (postgresql://airflow:airflow@host/db). It stays in this function: it is
// compared with a public constant, never returned for printing unless it
// equals that constant.
func urlPassword(v redact.Value) string {
	u, err := url.Parse(v.Reveal())
	if err != nil || u.User == nil {
		return ""
	}
	if p, ok := u.User.Password(); ok && p == catalog.DefaultDBPassword {
		return p
	}
	return ""
}

// rotation reports a Secret whose data is older than the strictest limit
// among the kinds of its used keys.
func rotation(n *inventory.Namespace, s *corev1.Secret, uses []use, es *cluster.ExternalSecret, o Options) (audit.Finding, bool) {
	var kind policy.Kind
	var limit time.Duration
	var keys []string
	for _, u := range uses {
		k := policy.Classify(u.env, u.key, string(s.Type))
		l := o.Policy.Limit(k)
		switch {
		case k == "" || l == 0:
		case limit == 0 || l < limit:
			kind, limit, keys = k, l, []string{u.key}
		case l == limit:
			keys = appendUnique(keys, u.key)
		}
	}
	if limit == 0 {
		return audit.Finding{}, false
	}
	changed, since := LastDataChange(s)
	age := o.Now.Sub(changed)
	if age <= limit {
		return audit.Finding{}, false
	}
	var users []string
	for _, u := range uses {
		users = appendUnique(users, u.workload)
	}
	sort.Strings(keys)
	days := int(age / policy.Day)
	how := "created"
	if since == "data-update" {
		how = "data last changed"
	}
	msg := fmt.Sprintf("Secret %s/%s (%s: %s) %s %d days ago (%s), over the %d-day limit for %s; used by %s",
		n.Name, s.Name, kind, strings.Join(keys, ", "), how, days, changed.UTC().Format("2006-01-02"), int(limit/policy.Day), kind, strings.Join(users, ", "))
	sev := finding.Severity(0)
	if age > 2*limit {
		sev = finding.High
	}
	d := &audit.AgeDetail{Kind: string(kind), Keys: keys, Changed: changed, Since: since, Age: age, Limit: limit, UsedBy: users}
	if es != nil {
		d.SyncedBy = es.Name
		msg += fmt.Sprintf("; written by ExternalSecret %s, so rotate it in the provider (%s)", es.Name, es.StoreName)
	}
	f := newFinding(audit.RuleRotationOverdue, sev, secretObject(n.Name, s.Name), "", msg)
	f.Age = d
	return f, true
}
