// Package eso renders the External Secrets Operator objects of airlock
// externalize: a SecretStore (or ClusterSecretStore) per provider that
// authenticates without a static credential (Vault Kubernetes auth, AWS
// IRSA, Google Workload Identity, Azure Workload Identity), the
// ServiceAccount it authenticates as, and one ExternalSecret per
// Kubernetes Secret the values reference. It uses small local structs
// (external-secrets.io/v1) rather than ESO's Go types.
package eso

import (
	"github.com/airlockhq/airlock/internal/fix/manifest"

	"fmt"

	"github.com/airlockhq/airlock/internal/externalize/layout"
)

// APIVersion of the objects (served by ESO v0.16 and later).
const APIVersion = "external-secrets.io/v1"

// Header starts every file.
const Header = "# Written by airlock externalize. No secret values: safe to commit.\n"

// StoreOptions describe the store.
type StoreOptions struct {
	Name      string
	Kind      string // SecretStore or ClusterSecretStore
	Namespace string // of the store (SecretStore) and of the ServiceAccount
	// ServiceAccount is the one the store authenticates as.
	ServiceAccount string
	Provider       layout.Provider
	// Vault
	VaultServer, VaultMount, VaultAuthPath, VaultRole string
	// AWS
	AWSRegion string
	// Google Cloud
	GCPProject, GCPClusterLocation, GCPClusterName string
	// Azure
	AzureVaultURL, AzureTenantID string
}

type meta struct {
	Name        string            `yaml:"name"`
	Namespace   string            `yaml:"namespace,omitempty"`
	Labels      map[string]string `yaml:"labels,omitempty"`
	Annotations map[string]string `yaml:"annotations,omitempty"`
}

func objectMeta(name, ns string) meta {
	return meta{Name: name, Namespace: ns, Labels: map[string]string{"app.kubernetes.io/managed-by": "airlock"}}
}

// SecretStore renders the store.
func SecretStore(o StoreOptions) ([]byte, error) {
	ns := o.Namespace
	saRef := map[string]any{"name": o.ServiceAccount}
	if o.Kind == "ClusterSecretStore" {
		saRef["namespace"] = o.Namespace
		ns = ""
	}
	var provider map[string]any
	switch o.Provider {
	case layout.Vault:
		provider = map[string]any{"vault": map[string]any{
			"server": o.VaultServer, "path": o.VaultMount, "version": "v2",
			"auth": map[string]any{"kubernetes": map[string]any{"mountPath": o.VaultAuthPath, "role": o.VaultRole, "serviceAccountRef": saRef}},
		}}
	case layout.AWS:
		provider = map[string]any{"aws": map[string]any{
			"service": "SecretsManager", "region": o.AWSRegion,
			"auth": map[string]any{"jwt": map[string]any{"serviceAccountRef": saRef}},
		}}
	case layout.GCP:
		wi := map[string]any{"serviceAccountRef": saRef}
		if o.GCPClusterLocation != "" && o.GCPClusterName != "" {
			wi["clusterLocation"], wi["clusterName"] = o.GCPClusterLocation, o.GCPClusterName
		}
		provider = map[string]any{"gcpsm": map[string]any{"projectID": o.GCPProject, "auth": map[string]any{"workloadIdentity": wi}}}
	case layout.Azure:
		az := map[string]any{"vaultUrl": o.AzureVaultURL, "authType": "WorkloadIdentity", "serviceAccountRef": saRef}
		if o.AzureTenantID != "" {
			az["tenantId"] = o.AzureTenantID
		}
		provider = map[string]any{"azurekv": az}
	default:
		return nil, fmt.Errorf("unknown provider %q", o.Provider)
	}
	body := map[string]any{"apiVersion": APIVersion, "kind": o.Kind, "metadata": objectMeta(o.Name, ns),
		"spec": map[string]any{"provider": provider}}
	return manifest.Encode(Header, body)
}

// ServiceAccount renders the store's ServiceAccount with the cloud
// identity annotations (IRSA role, Google service account, Azure client).
func ServiceAccount(name, namespace string, annotations map[string]string) ([]byte, error) {
	m := objectMeta(name, namespace)
	m.Annotations = annotations
	return manifest.Encode("# Written by airlock externalize: the identity the External Secrets Operator\n# authenticates as for this store.\n",
		map[string]any{"apiVersion": "v1", "kind": "ServiceAccount", "metadata": m})
}

// Data maps one key of the Kubernetes Secret to a remote property.
type Data struct {
	SecretKey, RemoteKey, Property string
}

type externalSecret struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
	Metadata   meta   `yaml:"metadata"`
	Spec       esSpec `yaml:"spec"`
}

type esSpec struct {
	RefreshInterval string   `yaml:"refreshInterval"`
	SecretStoreRef  storeRef `yaml:"secretStoreRef"`
	Target          target   `yaml:"target"`
	Data            []esData `yaml:"data"`
}

type storeRef struct {
	Name string `yaml:"name"`
	Kind string `yaml:"kind"`
}

type target struct {
	Name           string `yaml:"name"`
	CreationPolicy string `yaml:"creationPolicy"`
	DeletionPolicy string `yaml:"deletionPolicy"`
}

type esData struct {
	SecretKey string    `yaml:"secretKey"`
	RemoteRef remoteRef `yaml:"remoteRef"`
}

type remoteRef struct {
	Key                string `yaml:"key"`
	Property           string `yaml:"property,omitempty"`
	ConversionStrategy string `yaml:"conversionStrategy"`
	DecodingStrategy   string `yaml:"decodingStrategy"`
}

// ExternalSecret renders the ExternalSecret that makes ESO create and
// refresh the Kubernetes Secret name from the manager. It holds no value.
// Deletion of a remote secret keeps the last synced Secret (Retain), so an
// accidental delete in the manager does not take Airflow down.
func ExternalSecret(name, namespace string, store StoreOptions, refresh string, data []Data) ([]byte, error) {
	es := externalSecret{APIVersion: APIVersion, Kind: "ExternalSecret", Metadata: objectMeta(name, namespace),
		Spec: esSpec{RefreshInterval: refresh, SecretStoreRef: storeRef{Name: store.Name, Kind: store.Kind},
			Target: target{Name: name, CreationPolicy: "Owner", DeletionPolicy: "Retain"}}}
	for _, d := range data {
		es.Spec.Data = append(es.Spec.Data, esData{SecretKey: d.SecretKey,
			RemoteRef: remoteRef{Key: d.RemoteKey, Property: d.Property, ConversionStrategy: "Default", DecodingStrategy: "None"}})
	}
	return manifest.Encode(Header, es)
}
