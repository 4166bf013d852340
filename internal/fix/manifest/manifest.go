package manifest

import (
	"bytes"
	"encoding/base64"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/fix/plan"
)

// ManagedBy labels every object airlock writes.
const ManagedBy = "airlock"

// ESOAPIVersion is the External Secrets Operator API the manifests use
// (served by ESO v0.16 and later).
const ESOAPIVersion = "external-secrets.io/v1"

type meta struct {
	Name      string            `yaml:"name"`
	Namespace string            `yaml:"namespace,omitempty"`
	Labels    map[string]string `yaml:"labels,omitempty"`
}

type secret struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   meta              `yaml:"metadata"`
	Type       string            `yaml:"type"`
	Data       map[string]string `yaml:"data"`
}

func objectMeta(name, namespace string) meta {
	return meta{Name: name, Namespace: namespace, Labels: map[string]string{"app.kubernetes.io/managed-by": ManagedBy}}
}

// Secret renders s as a v1 Secret. Values go base64 in data, as the chart
// itself writes them, so no YAML quoting rule can alter a value.
func Secret(s *plan.Secret, namespace string) ([]byte, error) {
	out := secret{APIVersion: "v1", Kind: "Secret", Metadata: objectMeta(s.Name, namespace), Type: "Opaque", Data: map[string]string{}}
	for _, it := range s.Items {
		out.Data[it.Key] = base64.StdEncoding.EncodeToString([]byte(it.Value.Reveal()))
	}
	return Encode("# Written by airlock fix. It holds secret values: do not commit it.\n# kubectl apply -f this file before deploying the chart.\n", out)
}

// ReadSecret parses a Secret airlock wrote before and returns its name
// and decoded values.
func ReadSecret(data []byte) (string, map[string]string, error) {
	var s struct {
		Kind       string            `yaml:"kind"`
		Metadata   meta              `yaml:"metadata"`
		Data       map[string]string `yaml:"data"`
		StringData map[string]string `yaml:"stringData"`
	}
	if err := yaml.Unmarshal(data, &s); err != nil {
		return "", nil, err
	}
	if s.Kind != "Secret" || s.Metadata.Name == "" {
		return "", nil, fmt.Errorf("not a Secret manifest")
	}
	vals := map[string]string{}
	for k, v := range s.Data {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return "", nil, fmt.Errorf("key %s: %w", k, err)
		}
		vals[k] = string(b)
	}
	for k, v := range s.StringData {
		vals[k] = v
	}
	return s.Metadata.Name, vals, nil
}

// Encode writes header (comment lines) then v as two-space YAML: the form
// of every manifest airlock writes, here and in externalize.
func Encode(header string, v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(header)
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encode manifest: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func yamlUnmarshal(data []byte, v any) error { return yaml.Unmarshal(data, v) }
