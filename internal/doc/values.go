package doc

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// at returns the effective value at a dotted path of map keys.
func (b *builder) at(path string) *yamltree.Node {
	return b.eff.Lookup(strings.Split(path, ".")...)
}

// text returns the effective scalar at path ("" when unset).
func (b *builder) text(path string) string { return b.at(path).Text() }

// enabled reads a boolean switch, with the chart's default when the
// values (and the built-in catalog) do not have it.
func (b *builder) enabled(path string, def bool) bool {
	n := b.at(path)
	if n == nil {
		return def
	}
	return n.Truthy()
}

// where says where a value is written: "values.yaml:12" for a user file,
// "chart default (values.yaml:31)" for the chart's values.yaml, "chart
// default" for the built-in catalog. Chart paths are reduced to the file
// name: the document must not depend on where the chart sits on disk.
func where(n *yamltree.Node) string {
	if n == nil || n.Src == nil {
		return "chart default"
	}
	switch n.Src.Kind {
	case yamltree.User:
		return fmt.Sprintf("%s:%d", n.Src.Name, n.Pos.Line)
	case yamltree.ChartDefault:
		return fmt.Sprintf("chart default (%s:%d)", filepath.Base(n.Src.Name), n.Pos.Line)
	case yamltree.Embedded, yamltree.Rendered:
		return n.Src.Name
	}
	return "chart default"
}

// originOf names the values file a value comes from, or "chart defaults".
func originOf(n *yamltree.Node) string {
	if n != nil && n.FromUser() {
		return n.Src.Name
	}
	return ""
}

// isDefault reports a value the chart (or the built-in catalog) supplies.
func isDefault(n *yamltree.Node) bool {
	return n != nil && n.Src != nil && (n.Src.Kind == yamltree.ChartDefault || n.Src.Kind == yamltree.BuiltinDefault)
}

// place describes a configured values path.
func (b *builder) place(path string) Place {
	return Place{Path: path, Where: where(b.at(path))}
}

// placeNode describes a node reached by a path with indices.
func placeNode(path string, n *yamltree.Node) Place { return Place{Path: path, Where: where(n)} }

// literal is the source of a value written in values: hardcoded in a
// user's file, or a public chart default.
func literal(path string, n *yamltree.Node) Source {
	if isDefault(n) {
		return Source{Kind: FromDefault, Where: where(n), Path: path, Text: "public chart default of " + path + ", " + where(n)}
	}
	return Source{Kind: FromValues, Where: where(n), Path: path, Text: "hardcoded in " + where(n) + " (" + path + ")"}
}

// secretRef is the source of a value read from a Kubernetes Secret key.
func (b *builder) secretRef(name, key string) Source {
	s := Source{Kind: FromSecret, Secret: name, Key: key}
	pr, hasKey := b.prov.lookup(name, key)
	switch {
	case pr == nil:
		s.Provider = Provider{Kind: ByNobody, Text: "not created by the chart, extraManifests, an ExternalSecret or --secrets-from", Risk: true}
	default:
		s.Provider = pr.Provider
		if r := pr.remote[key]; r != "" {
			s.Provider.Text += ", remote key " + r
		}
		if !hasKey {
			s.Provider.Text += "; it has no key " + key
			s.Provider.Risk = true
		}
	}
	s.Text = "Kubernetes Secret " + name
	if key != "" {
		s.Text += ", key " + key
	}
	s.Text += ": " + s.Provider.Text
	return s
}

// releaseSecret names a Secret the chart renders: <release>-<suffix>.
func (b *builder) releaseSecret(suffix string) string { return b.release + "-" + suffix }

// truthyText reports a non-empty string value.
func truthyText(n *yamltree.Node) bool {
	return n != nil && n.Kind == yamltree.Scalar && strings.TrimSpace(n.Value) != ""
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// slug turns text into an anchor-safe identifier.
func slug(parts ...string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(strings.Join(parts, "-")) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
