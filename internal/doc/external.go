package doc

import (
	"github.com/airlockhq/airlock/internal/yamltree"
)

// externalSecret is what the document needs of an External Secrets
// Operator ExternalSecret: the Secret it writes and where each key comes
// from. Remote keys and properties are locations in the secret manager,
// not secrets.
type externalSecret struct {
	name, target         string
	storeKind, storeName string
	data                 []esData
	dataFrom             []string
	where                string
}

type esData struct {
	secretKey, remoteKey, property string
}

func (d esData) remote() string {
	if d.property != "" {
		return d.remoteKey + " (property " + d.property + ")"
	}
	return d.remoteKey
}

// store names the SecretStore: "ClusterSecretStore vault".
func (es externalSecret) store() string {
	kind := es.storeKind
	if kind == "" {
		kind = "SecretStore"
	}
	if es.storeName == "" {
		return kind
	}
	return kind + " " + es.storeName
}

// readExternalSecret reads an ExternalSecret object (any apiVersion of
// external-secrets.io); it reports false for anything else.
func readExternalSecret(n *yamltree.Node) (externalSecret, bool) {
	if n.Get("kind").Text() != "ExternalSecret" {
		return externalSecret{}, false
	}
	spec := n.Get("spec")
	es := externalSecret{name: n.Lookup("metadata", "name").Text()}
	es.target = spec.Lookup("target", "name").Text()
	if es.target == "" {
		es.target = es.name // the operator's default
	}
	es.storeKind = spec.Lookup("secretStoreRef", "kind").Text()
	es.storeName = spec.Lookup("secretStoreRef", "name").Text()
	if data := spec.Get("data"); data != nil {
		for _, d := range data.Items {
			es.data = append(es.data, esData{secretKey: d.Get("secretKey").Text(),
				remoteKey: d.Lookup("remoteRef", "key").Text(), property: d.Lookup("remoteRef", "property").Text()})
		}
	}
	if from := spec.Get("dataFrom"); from != nil {
		for _, d := range from.Items {
			key := d.Lookup("extract", "key").Text()
			if key == "" {
				key = d.Lookup("find", "path").Text()
			}
			if key == "" {
				key = d.Get("key").Text() // v1alpha1
			}
			es.dataFrom = append(es.dataFrom, key)
		}
	}
	return es, es.target != ""
}
