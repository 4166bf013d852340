package doc

import (
	"cmp"
	"path"
	"strings"

	"github.com/airlockhq/airlock/internal/doc/diagram"
)

// graph builds the flow diagram from the inventory: each secret's origin
// (a values file, the chart defaults, a secret store, ...) to the Secret
// (or pod spec) that carries it, and from there to every component that
// reads it.
func (b *builder) graph() *diagram.Graph {
	g := &diagram.Graph{}
	for _, s := range b.secrets {
		risky := s.Status == Hardcoded || s.Status == InsecureDefault || s.Status == Dangling
		literalUse := false
		for _, c := range s.Consumers {
			literalUse = literalUse || (c.Via == "" && c.Mode == diagram.Env)
		}
		for _, src := range s.Sources {
			origin, ok := originNode(src)
			carrier, ok2 := carrierNode(src, literalUse)
			if !ok || !ok2 {
				continue
			}
			g.AddNode(origin)
			g.AddNode(carrier)
			g.AddEdge(diagram.Edge{From: origin.ID, To: carrier.ID, Parts: []string{s.Name}, Mode: diagram.Env, Risk: origin.Risk || carrier.Risk})
		}
		for _, c := range s.Consumers {
			if c.Via == "" && c.Mode != diagram.Env {
				continue // a file from an unknown source: nothing carries it in the manifests
			}
			carrier := diagram.Node{ID: "sec:" + c.Via, Column: diagram.Carriers, Label: c.Via, Sub: "Secret", Risk: risky}
			if c.Via == "" {
				carrier = literalCarrier()
			}
			comp := diagram.Node{ID: "cmp:" + c.Component, Column: diagram.Consumers, Label: c.Component, Sub: componentSub(c)}
			g.AddNode(carrier)
			g.AddNode(comp)
			g.AddEdge(diagram.Edge{From: carrier.ID, To: comp.ID, Parts: []string{string(c.Mode)}, Mode: c.Mode, Risk: risky})
		}
	}
	g.Sort()
	return g
}

// originNode is the left-hand box of a source.
func originNode(src Source) (diagram.Node, bool) {
	switch src.Kind {
	case FromValues:
		return fileNode(strings.TrimSuffix(src.Where, ":"+lastField(src.Where, ":"))), true
	case FromDefault:
		return diagram.Node{ID: "src:defaults", Column: diagram.Sources, Label: "chart defaults", Sub: "public values", Risk: true}, true
	case FromBackend:
		return diagram.Node{ID: "src:backend", Column: diagram.Sources, Label: "Airflow secrets backend", Sub: "AIRFLOW__SECRETS__BACKEND"}, true
	case FromTemplate:
		return missingNode(), true
	case FromSecret, FromCommand:
		if src.Secret == "" {
			return diagram.Node{}, false
		}
	default:
		return diagram.Node{}, false
	}
	p := src.Provider
	switch p.Kind {
	case ByExternalSecret:
		kind, name, _ := strings.Cut(p.Store, " ")
		return diagram.Node{ID: "src:store:" + p.Store, Column: diagram.Sources, Label: cmp.Or(name, kind), Sub: kind + " (External Secrets)"}, true
	case ByExtraManifests, ByChart:
		if p.Origin != "" {
			n := fileNode(p.Origin)
			n.Risk = p.Risk
			return n, true
		}
		if p.Kind == ByChart {
			return diagram.Node{ID: "src:chart", Column: diagram.Sources, Label: "chart templates", Sub: "rendered from values"}, true
		}
		return diagram.Node{ID: "src:extra", Column: diagram.Sources, Label: "extraManifests", Sub: "values", Risk: true}, true
	case BySecretsFrom:
		return diagram.Node{ID: "src:from:" + p.Origin, Column: diagram.Sources, Label: path.Base(p.Origin), Sub: "--secrets-from manifest"}, true
	case BySubchart:
		return diagram.Node{ID: "src:subchart:" + p.Text, Column: diagram.Sources, Label: strings.TrimPrefix(p.Text, "created by the "), Sub: "chart dependency"}, true
	}
	return missingNode(), true
}

func fileNode(name string) diagram.Node {
	return diagram.Node{ID: "src:file:" + name, Column: diagram.Sources, Label: name, Sub: "values file", Risk: true}
}

func missingNode() diagram.Node {
	return diagram.Node{ID: "src:missing", Column: diagram.Sources, Label: "not found", Sub: "dangling reference", Risk: true}
}

// carrierNode is the middle box of a source: the Secret, or the pod spec
// for a literal environment value.
func carrierNode(src Source, literalUse bool) (diagram.Node, bool) {
	if src.Secret != "" {
		risky := src.Kind == FromValues || src.Kind == FromDefault || src.Provider.Risk || src.Provider.Kind == ByNobody
		return diagram.Node{ID: "sec:" + src.Secret, Column: diagram.Carriers, Label: src.Secret, Sub: "Secret", Risk: risky}, true
	}
	if (src.Kind == FromValues || src.Kind == FromDefault) && literalUse {
		return literalCarrier(), true
	}
	return diagram.Node{}, false
}

func literalCarrier() diagram.Node {
	return diagram.Node{ID: "pod:literal", Column: diagram.Carriers, Label: "pod spec", Sub: "literal env value", Risk: true}
}

func componentSub(c Consumer) string {
	if c.Workload != "" {
		return c.Workload
	}
	return "component"
}

func lastField(s, sep string) string {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[i+len(sep):]
	}
	return ""
}
