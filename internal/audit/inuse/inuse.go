// Package inuse checks the Secrets that Airflow's workloads use: every
// reference from env, envFrom and secret or projected volumes must
// resolve, the data must not be older than its rotation limit, it must not
// be a public chart default, and the ExternalSecrets that write Secrets
// must be syncing.
//
// Age is read from the API: the newest managedFields entry whose fields
// include data (or stringData) gives the last time a writer changed the
// data; without one, the creation time. A field manager's entry is also
// refreshed when it changes other fields it owns in the same request, so
// the age is a lower bound: a Secret reported as overdue is overdue.
package inuse

import (
	"bytes"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"

	"github.com/airlockhq/airlock/internal/audit/inventory"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/workload"
)

// Options configure the check.
type Options struct {
	Now    time.Time
	Policy policy.Policy
}

// use is one way a workload consumes a Secret key.
type use struct {
	workload string // "Deployment airflow-web"
	how      string // "env AIRFLOW__CORE__FERNET_KEY", "file /opt/airflow/ssh/id_rsa"
	key      string
	env      string
	value    *redact.Value
}

// secretUse collects the uses of one Secret.
type secretUse struct {
	name string
	uses []use
}

// collect gathers the Secret keys the workloads use and the references
// that do not resolve.
func collect(n *inventory.Namespace, ws []*workload.Workload) (map[string]*secretUse, []workload.Dangling) {
	used := map[string]*secretUse{}
	record := func(secret string, u use) {
		s := used[secret]
		if s == nil {
			s = &secretUse{name: secret}
			used[secret] = s
		}
		s.uses = append(s.uses, u)
	}
	var dangling []workload.Dangling
	for _, w := range ws {
		label := describe(w)
		for _, c := range w.Containers {
			env, _ := n.Set.ResolveEnv(c)
			for _, name := range sortedKeys(env) {
				r := env[name]
				if r.Origin != workload.FromObject || r.Kind != workload.SecretRef || r.Data == nil {
					continue
				}
				v := r.Data.Value
				record(r.Object, use{workload: label, how: "env " + name, key: r.Key, env: name, value: &v})
			}
			files, _ := n.Set.ResolveFiles(c)
			for _, f := range files {
				if f.Kind != workload.SecretRef || f.Data == nil {
					continue
				}
				v := f.Data.Value
				record(f.Object, use{workload: label, how: "file " + f.Path, key: f.Key, value: &v})
			}
		}
		dangling = append(dangling, n.Set.Dangling(w)...)
	}
	return used, dangling
}

func describe(w *workload.Workload) string {
	if w.Embedded != nil {
		return "pod template in ConfigMap " + w.Embedded.ConfigMap.Name
	}
	return w.Kind + " " + w.Name
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// LastDataChange returns when a Secret's data last changed as far as the
// API shows, and how that was read: "data-update" from managedFields,
// else "creation".
func LastDataChange(s *corev1.Secret) (time.Time, string) {
	t, since := s.CreationTimestamp.Time, "creation"
	for _, mf := range s.ManagedFields {
		if mf.FieldsV1 == nil || mf.Time == nil {
			continue
		}
		raw := mf.FieldsV1.Raw
		if !bytes.Contains(raw, []byte(`"f:data"`)) && !bytes.Contains(raw, []byte(`"f:stringData"`)) {
			continue
		}
		if mf.Time.After(t) {
			t, since = mf.Time.Time, "data-update"
		}
	}
	return t, since
}
