package doc

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/workload"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// provided is one Secret that something in view creates.
type provided struct {
	Provider
	// keys are the Secret's keys; nil when they cannot be known (an
	// ExternalSecret with dataFrom, a subchart's Secret).
	keys []string
	// remote describes where each key comes from in a secret manager.
	remote map[string]string
	// template is the chart template that renders the Secret.
	template string
}

// providers indexes the Secrets that the chart, extraManifests,
// ExternalSecrets, --secrets-from and absent subcharts create, by name.
// The first provider registered for a name wins: the rendered chart, then
// the values, then outside manifests, as an install would see them.
type providers struct {
	byName map[string]*provided
	// external are ExternalSecrets, kept to synthesise their targets.
	external []externalSecret
}

func newProviders() *providers { return &providers{byName: map[string]*provided{}} }

func (p *providers) add(name string, pr *provided) {
	if name == "" {
		return
	}
	if _, ok := p.byName[name]; !ok {
		p.byName[name] = pr
	}
}

// lookup returns the provider of a Secret and whether it has key ("" asks
// only for the Secret).
func (p *providers) lookup(name, key string) (*provided, bool) {
	pr, ok := p.byName[name]
	if !ok {
		return nil, false
	}
	return pr, key == "" || pr.keys == nil || slices.Contains(pr.keys, key)
}

// addRendered indexes the Secrets and ExternalSecrets the chart renders.
// Those of the extra-manifests template are the user's own: the first
// pass (extra false) skips them, so that addValues can describe them with
// their file and line; the second pass (extra true) adds those that the
// values could not describe (strings with Helm expressions).
func (p *providers) addRendered(docs []*yamltree.Document, extra bool) {
	for _, d := range docs {
		tmpl := d.Src.Name
		if strings.HasSuffix(tmpl, "/extra-manifests.yaml") != extra {
			continue
		}
		switch d.Root.Get("kind").Text() {
		case "Secret":
			name := d.Root.Lookup("metadata", "name").Text()
			pr := &provided{Provider: Provider{Kind: ByChart, Text: "rendered by the chart (" + path.Base(tmpl) + ")"},
				keys: objectKeys(d.Root), template: strings.TrimPrefix(tmpl, chartPrefix(tmpl))}
			if extra {
				pr.Provider = Provider{Kind: ByExtraManifests, Text: "written with its data in extraManifests", Risk: true}
			}
			p.add(name, pr)
		case "ExternalSecret":
			if es, ok := readExternalSecret(d.Root); ok {
				if _, known := p.byName[es.target]; !known {
					es.where = "extraManifests"
					p.addExternal(es)
				}
			}
		}
	}
}

func chartPrefix(tmpl string) string {
	if i := strings.Index(tmpl, "/templates/"); i >= 0 {
		return tmpl[:i+len("/templates/")]
	}
	return ""
}

// addValues indexes the Secrets and ExternalSecrets written in
// extraManifests (as YAML maps, or as strings without Helm expressions).
func (p *providers) addValues(eff *yamltree.Node) {
	list := eff.Get("extraManifests")
	if list == nil || list.Kind != yamltree.Seq {
		return
	}
	for i, it := range list.Items {
		obj := it
		if it.Kind == yamltree.Scalar && !strings.Contains(it.Value, "{{") {
			f, err := yamltree.Parse(&yamltree.Source{Name: it.Src.Name, Kind: yamltree.Embedded}, []byte(it.Value), yamltree.DefaultLimits)
			if err != nil || f.First() == nil {
				continue
			}
			obj = f.First()
		}
		if obj.Kind != yamltree.Map {
			continue
		}
		at := fmt.Sprintf("extraManifests[%d] (%s)", i, where(it))
		switch obj.Get("kind").Text() {
		case "Secret":
			name := obj.Lookup("metadata", "name").Text()
			p.add(name, &provided{Provider: Provider{Kind: ByExtraManifests, Text: "written with its data in " + at, Origin: originOf(it), Risk: true},
				keys: objectKeys(obj)})
		case "ExternalSecret":
			if es, ok := readExternalSecret(obj); ok {
				es.where = at
				p.addExternal(es)
			}
		}
	}
}

// addManifests indexes Secrets and ExternalSecrets from manifest files.
func (p *providers) addManifests(docs []*yamltree.Document, kind ProviderKind) {
	for _, d := range docs {
		switch d.Root.Get("kind").Text() {
		case "Secret":
			name := d.Root.Lookup("metadata", "name").Text()
			p.add(name, &provided{Provider: Provider{Kind: kind, Text: "given with --secrets-from (" + d.Src.Name + ")", Origin: d.Src.Name},
				keys: objectKeys(d.Root)})
		case "ExternalSecret":
			if es, ok := readExternalSecret(d.Root); ok {
				es.where = d.Src.Name + " (--secrets-from)"
				p.addExternal(es)
			}
		}
	}
}

// addSubchart records a Secret that an enabled but absent dependency
// chart (postgresql, redis) would create.
func (p *providers) addSubchart(name, by string) {
	p.add(name, &provided{Provider: Provider{Kind: BySubchart, Text: "created by the " + by + " subchart"}})
}

func (p *providers) addExternal(es externalSecret) {
	p.external = append(p.external, es)
	pr := &provided{Provider: Provider{Kind: ByExternalSecret, Store: es.store(),
		Text: fmt.Sprintf("synced by ExternalSecret %s (%s) from %s", es.name, es.where, es.store())},
		remote: map[string]string{}}
	if len(es.dataFrom) == 0 {
		pr.keys = []string{}
	}
	for _, d := range es.data {
		pr.keys = append(pr.keys, d.secretKey)
		pr.remote[d.secretKey] = d.remote()
	}
	p.add(es.target, pr)
}

// externalSecretTargets synthesises the Secrets that ExternalSecrets will
// create, with the keys they declare, or (for dataFrom) the keys the
// workloads read from them, so that the rendered checks resolve them.
func (p *providers) externalSecretTargets(set *workload.Set) []*yamltree.Document {
	var out []*yamltree.Document
	for _, es := range p.external {
		keys := map[string]bool{}
		for _, d := range es.data {
			keys[d.secretKey] = true
		}
		if len(es.dataFrom) > 0 && set != nil {
			for k := range referencedKeys(set, es.target) {
				keys[k] = true
			}
		}
		out = append(out, syntheticSecret(es.target, keys))
	}
	return out
}

// syntheticSecret is a Secret manifest with empty values: it states that
// the keys exist, and holds no data.
func syntheticSecret(name string, keys map[string]bool) *yamltree.Document {
	src := &yamltree.Source{Name: "ExternalSecret target " + name, Kind: yamltree.Embedded}
	str := func(v string) *yamltree.Node {
		return &yamltree.Node{Kind: yamltree.Scalar, Tag: "str", Value: v, Src: src}
	}
	data := &yamltree.Node{Kind: yamltree.Map, Tag: "map", Src: src}
	for _, k := range sortedKeys(keys) {
		data.Entries = append(data.Entries, yamltree.Entry{Key: k, Value: str("")})
	}
	meta := &yamltree.Node{Kind: yamltree.Map, Tag: "map", Src: src, Entries: []yamltree.Entry{{Key: "name", Value: str(name)}}}
	root := &yamltree.Node{Kind: yamltree.Map, Tag: "map", Src: src, Entries: []yamltree.Entry{
		{Key: "apiVersion", Value: str("v1")}, {Key: "kind", Value: str("Secret")},
		{Key: "metadata", Value: meta}, {Key: "stringData", Value: data}}}
	return &yamltree.Document{Src: src, Root: root}
}

// referencedKeys lists the keys of a Secret that containers read.
func referencedKeys(set *workload.Set, secret string) map[string]bool {
	keys := map[string]bool{}
	for _, w := range set.Workloads {
		for _, c := range w.Containers {
			for _, e := range c.Env {
				if e.From != nil && e.From.Kind == workload.SecretRef && e.From.Name == secret {
					keys[e.From.Key] = true
				}
			}
		}
		for _, v := range w.Volumes {
			for _, s := range v.Sources {
				if s.Kind == workload.SecretRef && s.Name == secret {
					for _, it := range s.Items {
						keys[it.Key] = true
					}
				}
			}
		}
	}
	return keys
}

// objectKeys lists a Secret's keys (data and stringData), never values.
func objectKeys(n *yamltree.Node) []string {
	keys := []string{}
	for _, field := range []string{"data", "stringData"} {
		if m := n.Get(field); m != nil && m.Kind == yamltree.Map {
			for _, e := range m.Entries {
				if !slices.Contains(keys, e.Key) {
					keys = append(keys, e.Key)
				}
			}
		}
	}
	return keys
}
