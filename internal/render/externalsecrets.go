package render

import (
	"fmt"
	"strings"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// externalSecretTargets stands in the Secrets that External Secrets
// Operator will create for the ExternalSecrets among docs: named by
// spec.target.name (else the ExternalSecret's name), with the keys of
// spec.data[].secretKey and spec.target.template.data. Without them every
// reference to an ESO-managed Secret would be reported as dangling, which
// is the opposite of the truth for the setup airlock recommends. Keys that
// only dataFrom would bring cannot be known before the store is read.
func externalSecretTargets(docs []*yamltree.Document) []*yamltree.Document {
	var out []*yamltree.Document
	for _, d := range docs {
		n := d.Root
		if n == nil || n.Kind != yamltree.Map || n.Get("kind").Text() != "ExternalSecret" ||
			!strings.HasPrefix(n.Get("apiVersion").Text(), "external-secrets.io/") {
			continue
		}
		name := n.Lookup("spec", "target", "name").Text()
		if name == "" {
			name = n.Lookup("metadata", "name").Text()
		}
		if name == "" {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, "apiVersion: v1\nkind: Secret\nmetadata:\n  name: %q\n", name)
		if ns := n.Lookup("metadata", "namespace").Text(); ns != "" {
			fmt.Fprintf(&b, "  namespace: %q\n", ns)
		}
		b.WriteString("stringData:\n")
		for _, key := range esoKeys(n) {
			fmt.Fprintf(&b, "  %q: \"\"\n", key)
		}
		src := &yamltree.Source{Name: fmt.Sprintf("%s (Secret created by ExternalSecret %s)", d.Src.Name, name), Kind: yamltree.Rendered}
		f, err := yamltree.Parse(src, []byte(b.String()), yamltree.DefaultLimits)
		if err != nil || len(f.Docs) == 0 {
			continue
		}
		out = append(out, f.Docs[0])
	}
	return out
}

func esoKeys(n *yamltree.Node) []string {
	var keys []string
	if data := n.Lookup("spec", "data"); data != nil && data.Kind == yamltree.Seq {
		for _, item := range data.Items {
			if k := item.Get("secretKey").Text(); k != "" {
				keys = append(keys, k)
			}
		}
	}
	if tpl := n.Lookup("spec", "target", "template", "data"); tpl != nil && tpl.Kind == yamltree.Map {
		for _, e := range tpl.Entries {
			keys = append(keys, e.Key)
		}
	}
	return keys
}
