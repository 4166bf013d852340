package doc

import (
	"cmp"
	"slices"
	"sort"

	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/doc/diagram"
	"github.com/airlockhq/airlock/internal/workload"
)

// containerView is one container with what it reads, resolved once.
type containerView struct {
	w     *workload.Workload
	c     *workload.Container
	env   map[string]workload.Resolved
	names []string // env names, sorted
	files []workload.File
	// missing are envFrom Secrets that do not resolve (their keys are
	// unknown, so the whole Secret is the reference).
	missing []string
}

func (b *builder) containers() []containerView {
	var out []containerView
	for _, w := range b.set.Workloads {
		for _, c := range w.Containers {
			v := containerView{w: w, c: c}
			var dangling []workload.Dangling
			v.env, dangling = b.set.ResolveEnv(c)
			for n := range v.env {
				v.names = append(v.names, n)
			}
			sort.Strings(v.names)
			var missingFiles []workload.Dangling
			v.files, missingFiles = b.set.ResolveFiles(c)
			v.files = append(v.files, unresolvedFiles(c, missingFiles)...)
			for _, d := range dangling {
				if d.Use == "envFrom" && d.Kind == workload.SecretRef {
					v.missing = append(v.missing, d.Name)
				}
			}
			out = append(out, v)
		}
	}
	return out
}

// unresolvedFiles are the files a container would get from Secrets that
// do not exist: the mount is there, the content is not. They are listed
// so the reader sees who depends on the missing Secret.
func unresolvedFiles(c *workload.Container, ds []workload.Dangling) []workload.File {
	var out []workload.File
	for _, d := range ds {
		if d.Kind != workload.SecretRef || d.Volume == nil {
			continue
		}
		for i := range c.Mounts {
			if m := &c.Mounts[i]; m.Volume == d.Volume.Name {
				out = append(out, workload.File{Path: m.MountPath, Kind: d.Kind, Object: d.Name, Key: d.Key, Mount: m, Volume: d.Volume})
			}
		}
	}
	return out
}

// consumeRendered reads, container by container, which secret each
// rendered workload gets and how. Secret keys that no entry explains and
// that the chart does not render itself become entries of their own.
func (b *builder) consumeRendered() {
	views := b.containers()
	b.unexplained(views)
	for _, s := range b.secrets {
		acc := map[string]*Consumer{}
		for _, v := range views {
			b.attribute(s, v, acc)
		}
		for _, c := range acc {
			s.Consumers = append(s.Consumers, *c)
		}
		for _, c := range s.bind.fallback {
			if c.Mode == diagram.Other {
				s.Consumers = append(s.Consumers, c)
			}
		}
		sortConsumers(s.Consumers)
		if len(s.Consumers) == 0 && s.ConsumersNote == "" {
			s.ConsumersNote = "no rendered container reads it"
		}
	}
}

// attribute records the ways one container reads secret s.
func (b *builder) attribute(s *Secret, v containerView, acc map[string]*Consumer) {
	add := func(how string, mode diagram.Mode, via string) {
		k := v.w.Kind + "/" + v.w.Name + "\x00" + how + "\x00" + via
		c, ok := acc[k]
		if !ok {
			c = &Consumer{Component: component(v.w), Workload: workloadName(v.w), How: how, Mode: mode, Via: via}
			acc[k] = c
		}
		if !slices.Contains(c.Containers, v.c.Name) {
			c.Containers = append(c.Containers, v.c.Name)
		}
	}
	for _, n := range v.names {
		r := v.env[n]
		fromSecret := r.Origin == workload.FromObject && r.Kind == workload.SecretRef
		switch {
		case slices.Contains(s.bind.envs, n) && r.Origin == workload.Literal:
			add("env "+n, diagram.Env, "")
		case slices.Contains(s.bind.envs, n) && fromSecret, fromSecret && s.bind.matches(r.Object, r.Key):
			add("env "+n, diagram.Env, r.Object)
		}
	}
	for _, f := range v.files {
		if f.Kind == workload.SecretRef && s.bind.matches(f.Object, f.Key) {
			add("file "+f.Path, diagram.File, f.Object)
		}
	}
	for _, m := range v.missing {
		if s.bind.matches(m, "") {
			add("envFrom (every key)", diagram.Env, m)
		}
	}
}

// matches reports a Secret key the binding names.
func (bd binding) matches(secret, key string) bool {
	return slices.ContainsFunc(bd.keys, func(k secretKey) bool {
		return k.secret == secret && (k.key == "" || key == "" || k.key == key)
	})
}

// unexplained adds an entry for every Secret key a container reads that no
// entry claims, unless the chart renders that Secret from its own values
// (its secret parts are entries already; the rest is configuration).
func (b *builder) unexplained(views []containerView) {
	type ref struct{ secret, key, env, typ string }
	found := map[secretKey]ref{}
	note := func(secret, key, env string) {
		if pr, _ := b.prov.lookup(secret, key); pr != nil && pr.Kind == ByChart {
			return
		}
		if slices.ContainsFunc(b.secrets, func(s *Secret) bool { return s.bind.matches(secret, key) || slices.Contains(s.bind.envs, env) }) {
			return
		}
		k := secretKey{secret, key}
		if _, ok := found[k]; !ok {
			found[k] = ref{secret: secret, key: key, env: env, typ: b.secretType(secret)}
		}
	}
	for _, v := range views {
		for _, n := range v.names {
			if r := v.env[n]; r.Origin == workload.FromObject && r.Kind == workload.SecretRef {
				note(r.Object, r.Key, n)
			}
		}
		for _, f := range v.files {
			if f.Kind == workload.SecretRef {
				note(f.Object, f.Key, "")
			}
		}
		for _, m := range v.missing {
			note(m, "", "")
		}
	}
	keys := make([]secretKey, 0, len(found))
	for k := range found {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, c secretKey) int { return cmp.Or(cmp.Compare(a.secret, c.secret), cmp.Compare(a.key, c.key)) })
	for _, k := range keys {
		if s := b.genericSecret(found[k].secret, found[k].key, found[k].env, found[k].typ); s != nil {
			b.secrets = append(b.secrets, s)
		}
	}
}

func (b *builder) genericSecret(secret, key, env, typ string) *Secret {
	kind := policy.Classify(env, key, typ)
	if kind == "" && key != "" {
		return nil // a user name, host or port: not a credential
	}
	if kind == "" {
		kind = policy.Other
	}
	name := "Secret " + secret + ", key " + key
	if key == "" {
		name = "Secret " + secret + " (every key)"
	}
	if env != "" {
		name += " (" + env + ")"
	}
	s := &Secret{ID: slug("secret", secret, key), Name: name, Kind: kind,
		Why:         "a Secret key Airflow containers read; airlock does not know more about its purpose",
		Sources:     []Source{b.secretRef(secret, key)},
		Remediation: "Keep the value in the Secret (ideally synced from a secret manager) and rotate it at the source."}
	s.bind.keys = []secretKey{{secret, key}}
	return s
}

// secretType is a rendered or given Secret's type, "" when unknown.
func (b *builder) secretType(name string) string {
	if o := b.set.Lookup(workload.SecretRef, "", name); o != nil {
		return o.Type
	}
	return ""
}

// component names a workload the way the chart labels it.
func component(w *workload.Workload) string {
	if w.Embedded != nil {
		return "KubernetesExecutor task pods"
	}
	if c := w.Doc.Root.Lookup("metadata", "labels", "component").Text(); c != "" {
		return c
	}
	return w.Name
}

func workloadName(w *workload.Workload) string {
	if w.Embedded != nil {
		return "pod template in ConfigMap " + w.Embedded.ConfigMap.Name
	}
	return w.Kind + " " + w.Name
}

func sortConsumers(cs []Consumer) {
	for i := range cs {
		slices.Sort(cs[i].Containers)
	}
	slices.SortFunc(cs, func(a, b Consumer) int {
		return cmp.Or(cmp.Compare(a.Component, b.Component), cmp.Compare(a.Workload, b.Workload), cmp.Compare(a.How, b.How), cmp.Compare(a.Via, b.Via))
	})
}
