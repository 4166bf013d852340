// Package chartkeys applies the airflow-helm catalog to values: each
// catalog entry owns its path, and its handler decides whether the value
// there is a hardcoded secret.
package chartkeys

import (
	"fmt"
	"slices"

	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/rule/detect"
	"github.com/airlockhq/airlock/internal/yamltree"
)

type entry struct {
	catalog.Entry
	pattern yamltree.Pattern
}

// Rule reports the catalog entries that share one rule id.
type Rule struct {
	meta    rule.Meta
	entries []entry
	byFirst firstKeyIndex
}

// firstKeyIndex narrows the patterns a path can match to those starting
// with the path's first key (or a wildcard): every scalar is checked
// against the catalog, so a linear scan of every pattern added up.
type firstKeyIndex struct {
	byKey map[string][]int
	wild  []int
}

func (x *firstKeyIndex) add(p yamltree.Pattern, i int) {
	if x.byKey == nil {
		x.byKey = map[string][]int{}
	}
	if len(p) == 0 || p[0].IsIndex || p[0].Key == "*" {
		x.wild = append(x.wild, i)
		return
	}
	x.byKey[p[0].Key] = append(x.byKey[p[0].Key], i)
}

// candidates returns pattern indices in their original order.
func (x *firstKeyIndex) candidates(p yamltree.Path) []int {
	var keyed []int
	if len(p) > 0 && !p[0].IsIndex {
		keyed = x.byKey[p[0].Key]
	}
	if len(x.wild) == 0 {
		return keyed
	}
	out := append(append([]int(nil), keyed...), x.wild...)
	slices.Sort(out)
	return out
}

var _ rule.ScalarRule = (*Rule)(nil)

// New builds one rule per catalog rule id, in catalog priority order. It
// fails when an entry names an unknown rule or a rule has no entries.
func New() ([]*Rule, error) {
	byID := map[string]*Rule{}
	var out []*Rule
	for _, m := range catalog.RuleMetas {
		r := &Rule{meta: m}
		byID[m.ID] = r
		out = append(out, r)
	}
	for _, e := range catalog.Entries {
		r, ok := byID[e.RuleID]
		if !ok {
			return nil, fmt.Errorf("catalog entry %s names unknown rule %s", e.ID, e.RuleID)
		}
		p, err := yamltree.ParsePath(e.Path)
		if err != nil {
			return nil, fmt.Errorf("catalog entry %s: %w", e.ID, err)
		}
		r.byFirst.add(p, len(r.entries))
		r.entries = append(r.entries, entry{Entry: e, pattern: p})
	}
	for _, r := range out {
		if len(r.entries) == 0 {
			return nil, fmt.Errorf("rule %s has no catalog entries", r.meta.ID)
		}
	}
	return out, nil
}

// Meta implements rule.ScalarRule.
func (r *Rule) Meta() rule.Meta { return r.meta }

// Check implements rule.ScalarRule.
func (r *Rule) Check(s *rule.Scalar) (rule.Hit, bool, bool) {
	if s.Rel == nil {
		return rule.Hit{}, false, false
	}
	for _, i := range r.byFirst.candidates(s.Rel) {
		e := r.entries[i]
		if !(s.Rel.Match(e.pattern) || e.Deep && s.Rel.HasPrefix(e.pattern)) {
			continue
		}
		h, found := judge(e, s)
		if !found {
			return rule.Hit{}, false, true
		}
		return rule.Hit{Secret: h.Secret, Detail: h.Detail, Fix: e.Fix, Remediation: e.Remediation}, true, true
	}
	return rule.Hit{}, false, false
}

func judge(e entry, s *rule.Scalar) (detect.Hit, bool) {
	n := s.Node
	if n.Kind != yamltree.Scalar || n.Tag == "bool" {
		return detect.Hit{}, false
	}
	v := n.Value
	switch e.Handler {
	case catalog.Literal:
		if detect.NotSecret(v) {
			return detect.Hit{}, false
		}
		if h, ok := detect.Inspect(v); ok {
			return h, true
		}
		return detect.Hit{Secret: v, Detail: "literal value: " + e.Why}, true
	case catalog.URL, catalog.PipArg:
		return detect.Inspect(v)
	case catalog.Text:
		if detect.NotSecret(v) {
			return detect.Hit{}, false
		}
		return detect.ScanText(v, detect.AutoText)
	case catalog.Python:
		return detect.ScanText(v, detect.PythonText)
	case catalog.Manifest:
		if s.Rel.Match(e.pattern) {
			return detect.ScanText(v, detect.YAMLText)
		}
		return detect.Classify(s.Cursor)
	case catalog.EnvMap:
		return detect.ClassifyEnv(s.Key(), v)
	case catalog.EnvList:
		name, _ := detect.EnvName(s.Cursor)
		return detect.ClassifyEnv(name, v)
	case catalog.Variable:
		key := ""
		if s.Parent != nil {
			key = s.Parent.Node.Get("key").Text()
		}
		return detect.ClassifyKeyValue(key, v)
	}
	return detect.Hit{}, false
}

// References claims the catalog's reference keys so no generic rule
// mistakes a Secret's name for a secret.
type References struct {
	patterns []yamltree.Pattern
	byFirst  firstKeyIndex
}

// NewReferences compiles catalog.References.
func NewReferences() (*References, error) {
	r := &References{}
	for _, p := range catalog.References {
		pat, err := yamltree.ParsePath(p)
		if err != nil {
			return nil, fmt.Errorf("catalog reference %s: %w", p, err)
		}
		r.byFirst.add(pat, len(r.patterns))
		r.patterns = append(r.patterns, pat)
	}
	return r, nil
}

// Claims implements rule.Claimer.
func (r *References) Claims(s *rule.Scalar) bool {
	if s.Rel == nil {
		return false
	}
	for _, i := range r.byFirst.candidates(s.Rel) {
		if s.Rel.HasPrefix(r.patterns[i]) {
			return true
		}
	}
	return false
}
