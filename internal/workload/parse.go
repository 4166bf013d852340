package workload

import (
	"encoding/base64"
	"strings"

	"github.com/airlockhq/airlock/internal/redact"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// podSpecPaths says where each pod-bearing kind keeps its pod spec.
var podSpecPaths = map[string][]string{
	"Pod":                   {"spec"},
	"Deployment":            {"spec", "template", "spec"},
	"StatefulSet":           {"spec", "template", "spec"},
	"DaemonSet":             {"spec", "template", "spec"},
	"ReplicaSet":            {"spec", "template", "spec"},
	"ReplicationController": {"spec", "template", "spec"},
	"Job":                   {"spec", "template", "spec"},
	"PodTemplate":           {"template", "spec"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template", "spec"},
}

// embedLimits bound the parsing of YAML stored in ConfigMap values.
var embedLimits = yamltree.Limits{MaxBytes: 4 << 20, MaxDepth: 128, MaxVisits: 200_000}

// FromManifests reads the objects of docs. Documents that are not
// Kubernetes objects, and kinds the model does not cover, are ignored;
// a List's items are read as objects.
func FromManifests(docs []*yamltree.Document) *Set {
	s := &Set{}
	s.Add(docs...)
	return s
}

// Add reads more documents into the set (for instance Secrets that exist
// outside the chart). An object with the same kind, namespace and name as
// one already in the set replaces it, as a later `kubectl apply` would.
func (s *Set) Add(docs ...*yamltree.Document) {
	for _, d := range docs {
		if d == nil || d.Root == nil || d.Root.Kind != yamltree.Map {
			continue
		}
		s.addObject(d, d.Root, nil)
	}
}

func (s *Set) addObject(d *yamltree.Document, n *yamltree.Node, at yamltree.Path) {
	kind := n.Get("kind").Text()
	if strings.HasSuffix(kind, "List") && n.Get("items") != nil {
		for i, it := range n.Get("items").Items {
			if it.Kind == yamltree.Map {
				s.addObject(d, it, at.Key("items").Index(i))
			}
		}
		return
	}
	name := n.Lookup("metadata", "name").Text()
	ns := n.Lookup("metadata", "namespace").Text()
	switch kind {
	case "Secret":
		o := readObject(d, n, at, kind, name, ns)
		o.Type = n.Get("type").Text()
		s.Secrets = replace(s.Secrets, o)
		return
	case "ConfigMap":
		o := readObject(d, n, at, kind, name, ns)
		s.ConfigMaps = replace(s.ConfigMaps, o)
		s.addEmbedded(o)
		return
	}
	keys, ok := podSpecPaths[kind]
	if !ok {
		return
	}
	spec := n.Lookup(keys...)
	if spec == nil || spec.Kind != yamltree.Map {
		return
	}
	p := at
	for _, k := range keys {
		p = p.Key(k)
	}
	w := &Workload{Kind: kind, Name: name, Namespace: ns, Doc: d}
	readPod(w, spec, p)
	s.Workloads = append(s.Workloads, w)
}

func replace(list []*Object, o *Object) []*Object {
	for i, x := range list {
		if x.Name == o.Name && x.Namespace == o.Namespace {
			list[i] = o
			return list
		}
	}
	return append(list, o)
}

func readObject(d *yamltree.Document, n *yamltree.Node, at yamltree.Path, kind, name, ns string) *Object {
	o := &Object{Kind: kind, Name: name, Namespace: ns, Doc: d, Node: n}
	fields := []struct {
		name    string
		encoded bool
	}{{"data", kind == "Secret"}, {"stringData", false}, {"binaryData", true}}
	for _, f := range fields {
		m := n.Get(f.name)
		if m == nil || m.Kind != yamltree.Map {
			continue
		}
		for _, e := range m.Entries {
			k := Key{Name: e.Key, Node: e.Value, Path: at.Key(f.name).Key(e.Key), Encoded: f.encoded}
			raw := e.Value.Text()
			if f.encoded {
				dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(raw), ""))
				if err != nil {
					k.Invalid = true
				} else {
					raw = string(dec)
				}
			}
			k.Value = redact.New(raw)
			o.Keys = appendKey(o.Keys, k)
		}
	}
	return o
}

// appendKey keeps one entry per name; a later one (stringData over data)
// replaces an earlier one in place.
func appendKey(keys []Key, k Key) []Key {
	for i := range keys {
		if keys[i].Name == k.Name {
			keys[i] = k
			return keys
		}
	}
	return append(keys, k)
}

// addEmbedded reads pod manifests stored as ConfigMap values, such as the
// KubernetesExecutor's pod_template.yaml: the pods Airflow launches from
// it get their Secrets the same way as any other pod.
func (s *Set) addEmbedded(cm *Object) {
	for _, k := range cm.Keys {
		text := k.Value.Reveal()
		if !strings.Contains(text, "kind:") || !strings.Contains(text, "containers") {
			continue
		}
		src := &yamltree.Source{Name: cm.Source(), Kind: yamltree.Embedded}
		f, err := yamltree.Parse(src, []byte(text), embedLimits)
		if err != nil {
			continue // a template airlock cannot read is the user's business, not a finding
		}
		for _, d := range f.Docs {
			if d.Root == nil || d.Root.Kind != yamltree.Map || d.Root.Get("kind").Text() != "Pod" {
				continue
			}
			spec := d.Root.Get("spec")
			if spec == nil || spec.Kind != yamltree.Map {
				continue
			}
			w := &Workload{Kind: "Pod", Name: d.Root.Lookup("metadata", "name").Text(), Namespace: cm.Namespace, Doc: d,
				Embedded: &EmbeddedIn{ConfigMap: cm, Key: k.Name}}
			readPod(w, spec, yamltree.Path{{Key: "spec"}})
			s.Workloads = append(s.Workloads, w)
		}
	}
}
