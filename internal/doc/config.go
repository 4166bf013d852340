package doc

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// docConfig is the doc section of .airlock.yaml, plus the rotation policy
// of its audit section: the document states the limits `airlock audit`
// enforces, so there is one policy, not two that drift apart.
//
//	doc:
//	  title: Airflow production: secret management
//	  owner: data-platform@example.com
//	  intro: |
//	    One paragraph of the team's own words, shown under the title.
//	  procedures:            # how the team rotates each kind
//	    fernetKey: Add the new key in front, roll the pods, run airflow rotate-fernet-key.
//	audit:
//	  rotation:              # shared with airlock audit
//	    fernetKey: 90d
type docConfig struct {
	Title, Owner, Intro string
	Procedures          map[policy.Kind]string
	Policy              policy.Policy
}

var docKeys = []string{"title", "owner", "intro", "procedures"}

// decodeConfig reads the doc and audit sections strictly: an unknown key,
// a kind that does not exist or a value of the wrong type is an error
// naming the file and line.
func decodeConfig(c *config.Config) (docConfig, error) {
	out := docConfig{Procedures: map[policy.Kind]string{}, Policy: policy.Default()}
	if c == nil {
		return out, nil
	}
	var err error
	if out.Policy, err = policy.Decode(c.Path, c.Sections["audit"]); err != nil {
		return out, err
	}
	n := c.Sections["doc"]
	if n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.Tag == "!!null") {
		return out, nil
	}
	if n.Kind != yaml.MappingNode {
		return out, &yamltree.Error{File: c.Path, Line: n.Line, Msg: "doc: must be a mapping"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(docKeys, k.Value) {
			return out, &yamltree.Error{File: c.Path, Line: k.Line, Msg: fmt.Sprintf("doc: unknown key %q (known: %s)", k.Value, strings.Join(docKeys, ", "))}
		}
		if k.Value == "procedures" {
			if err := decodeProcedures(c.Path, v, out.Procedures); err != nil {
				return out, err
			}
			continue
		}
		if v.Kind != yaml.ScalarNode {
			return out, &yamltree.Error{File: c.Path, Line: v.Line, Msg: fmt.Sprintf("doc.%s: must be a string", k.Value)}
		}
		switch k.Value {
		case "title":
			out.Title = v.Value
		case "owner":
			out.Owner = v.Value
		case "intro":
			out.Intro = strings.TrimSpace(v.Value)
		}
	}
	return out, nil
}

func decodeProcedures(file string, n *yaml.Node, into map[policy.Kind]string) error {
	if n.Kind != yaml.MappingNode {
		return &yamltree.Error{File: file, Line: n.Line, Msg: "doc.procedures: must be a mapping of kind: text"}
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(policy.Kinds(), policy.Kind(k.Value)) {
			return &yamltree.Error{File: file, Line: k.Line, Msg: fmt.Sprintf("doc.procedures: unknown kind %q (known: %s)", k.Value, kindList())}
		}
		if v.Kind != yaml.ScalarNode {
			return &yamltree.Error{File: file, Line: v.Line, Msg: fmt.Sprintf("doc.procedures.%s: must be a string", k.Value)}
		}
		into[policy.Kind(k.Value)] = strings.TrimSpace(v.Value)
	}
	return nil
}

func kindList() string {
	var s []string
	for _, k := range policy.Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}
