package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// ExternalSecretsGroup is the API group of the External Secrets Operator.
const ExternalSecretsGroup = "external-secrets.io"

// ExternalSecret is the part of an External Secrets Operator ExternalSecret
// an audit needs: which Secret it writes, how often it refreshes and
// whether its last sync worked.
type ExternalSecret struct {
	Name, Namespace string
	APIVersion      string
	Created         time.Time
	// RefreshInterval is spec.refreshInterval as written; "" when unset
	// (the operator's default, 1h, applies).
	RefreshInterval string
	// Target is the Secret it writes: spec.target.name, or its own name.
	Target    string
	StoreKind string
	StoreName string
	// Ready is the Ready condition's status; nil when there is none yet.
	Ready   *bool
	Reason  string
	Message string
	// RefreshTime is status.refreshTime: the last time the operator synced.
	RefreshTime time.Time
}

// ErrNotInstalled is returned when the External Secrets CRDs are absent.
var ErrNotInstalled = errors.New("the External Secrets Operator CRDs are not installed")

// ExternalSecrets lists the ExternalSecrets of a namespace, in the
// group's preferred version. When the CRD is absent the error is an *Error
// with Reason NotInstalled wrapping ErrNotInstalled.
func (c *Client) ExternalSecrets(ctx context.Context, ns string) ([]ExternalSecret, error) {
	op := inNamespace("externalsecrets."+ExternalSecretsGroup, ns)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if c.dyn == nil {
		return nil, &Error{Op: op, Reason: NotInstalled, Err: ErrNotInstalled}
	}
	groups, err := c.kube.Discovery().ServerGroups()
	if err != nil {
		return nil, wrap("discover API groups", err)
	}
	version := ""
	for _, g := range groups.Groups {
		if g.Name == ExternalSecretsGroup {
			version = g.PreferredVersion.Version
		}
	}
	if version == "" {
		return nil, &Error{Op: op, Reason: NotInstalled, Err: ErrNotInstalled}
	}
	res := c.dyn.Resource(schema.GroupVersionResource{Group: ExternalSecretsGroup, Version: version, Resource: "externalsecrets"}).Namespace(ns)
	items, err := listAll(ctx, op, res.List,
		func(l *unstructured.UnstructuredList) ([]unstructured.Unstructured, string) {
			return l.Items, l.GetContinue()
		})
	if err != nil {
		return nil, err
	}
	out := make([]ExternalSecret, 0, len(items))
	for _, u := range items {
		out = append(out, readExternalSecret(u))
	}
	return out, nil
}

func readExternalSecret(u unstructured.Unstructured) ExternalSecret {
	str := func(fields ...string) string {
		s, _, _ := unstructured.NestedString(u.Object, fields...)
		return s
	}
	es := ExternalSecret{Name: u.GetName(), Namespace: u.GetNamespace(), APIVersion: u.GetAPIVersion(),
		Created: u.GetCreationTimestamp().Time, RefreshInterval: str("spec", "refreshInterval"),
		Target: str("spec", "target", "name"), StoreKind: str("spec", "secretStoreRef", "kind"), StoreName: str("spec", "secretStoreRef", "name")}
	if es.Target == "" {
		es.Target = es.Name
	}
	if es.StoreKind == "" && es.StoreName != "" {
		es.StoreKind = "SecretStore"
	}
	if t, err := time.Parse(time.RFC3339, str("status", "refreshTime")); err == nil {
		es.RefreshTime = t
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != "Ready" {
			continue
		}
		ready := fmt.Sprint(m["status"]) == string(metav1.ConditionTrue)
		es.Ready = &ready
		es.Reason, _ = m["reason"].(string)
		es.Message, _ = m["message"].(string)
	}
	return es
}
