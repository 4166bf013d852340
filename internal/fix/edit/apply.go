package edit

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Apply performs ops on the file and returns the new bytes. It never
// returns a partial result: on any doubt it returns a *Refusal and the
// caller keeps the original. The result is proven by re-parsing: every
// value outside the touched paths is unchanged, in every document, and
// each op's intended value is in place.
func (d *Doc) Apply(ops []Op) ([]byte, error) {
	c := &compiler{d: d, deleted: map[*yaml.Node]int{}}
	for _, op := range ops {
		if err := c.compile(op); err != nil {
			return nil, err
		}
	}
	out, err := c.splice()
	if err != nil {
		return nil, err
	}
	if err := d.verify(out, ops); err != nil {
		return nil, err
	}
	return out, nil
}

// splice applies the splices to the original bytes. Overlapping
// replacements mean two ops disagree about the same text: refuse.
func (c *compiler) splice() ([]byte, error) {
	ss := slices.Clone(c.splices)
	slices.SortStableFunc(ss, func(a, b splice) int {
		if a.start != b.start {
			return a.start - b.start
		}
		return a.seq - b.seq
	})
	var b strings.Builder
	pos := 0
	for _, s := range ss {
		if s.start < pos {
			return nil, c.d.refuse(c.d.t.lineOf(s.start)+1, "two edits overlap")
		}
		b.Write(c.d.t.data[pos:s.start])
		b.WriteString(s.text)
		pos = s.end
	}
	b.Write(c.d.t.data[pos:])
	return []byte(b.String()), nil
}

// verify re-parses out and compares it with the original, value by value.
func (d *Doc) verify(out []byte, ops []Op) error {
	src := &yamltree.Source{Name: d.name, Kind: yamltree.User}
	before, err := yamltree.Parse(src, d.t.data, yamltree.DefaultLimits)
	if err != nil {
		return d.refuse(0, "the original does not parse: %v", err)
	}
	after, err := yamltree.Parse(src, out, yamltree.DefaultLimits)
	if err != nil {
		return d.refuse(0, "the edit would produce invalid YAML (%v); nothing was changed", err)
	}
	if len(before.Docs) != len(after.Docs) && !(len(before.Docs) == 0 && len(after.Docs) == 1) {
		return d.refuse(0, "the edit would change the number of YAML documents")
	}
	var touched, soft []yamltree.Path
	for _, op := range ops {
		touched = append(touched, op.touched()...)
		soft = append(soft, op.soft()...)
	}
	budget := yamltree.NewBudget(before, verifyLimits)
	for i, a := range after.Docs {
		var b *yamltree.Node
		if i < len(before.Docs) {
			b = before.Docs[i].Root
		}
		skip, loose := touched, soft
		if i > 0 {
			skip, loose = nil, nil
		}
		diff, err := compare(b, a.Root, skip, loose, budget)
		if err != nil {
			return d.refuse(0, "the file expands too many aliases to verify an edit")
		}
		if diff != "" {
			return d.refuse(0, "the edit would change %s; nothing was changed", diff)
		}
	}
	root := after.First()
	for _, op := range ops {
		if !op.check(root) {
			return d.refuse(0, "the edit did not produce the intended value (%T); nothing was changed", op)
		}
	}
	return nil
}

// compare lists leaf values by path and returns the first path that
// differs outside skip, or "".
func compare(a, b *yamltree.Node, skip, soft []yamltree.Path, budget *yamltree.Budget) (string, error) {
	la, err := leaves(a, skip, budget)
	if err != nil {
		return "", err
	}
	lb, err := leaves(b, skip, budget)
	if err != nil {
		return "", err
	}
	for _, s := range soft {
		// An empty or null value there may gain content; anything else
		// there is still compared below it.
		k := s.String()
		if v, ok := la[k]; ok && (v == "{}" || v == "[]" || strings.HasPrefix(v, fmt.Sprintf("%d|", yamltree.Null))) {
			delete(la, k)
		}
		if v, ok := lb[k]; ok && v == "{}" {
			delete(lb, k)
		}
	}
	for p, v := range la {
		if w, ok := lb[p]; !ok || w != v {
			return p, nil
		}
	}
	for p := range lb {
		if _, ok := la[p]; !ok {
			return p, nil
		}
	}
	return "", nil
}

// verifyLimits bound the walks of a verification: values files with more
// alias expansion than this are refused rather than verified slowly.
var verifyLimits = yamltree.Limits{MaxVisits: 200_000}

func leaves(root *yamltree.Node, skip []yamltree.Path, budget *yamltree.Budget) (map[string]string, error) {
	out := map[string]string{}
	if root == nil {
		return out, nil
	}
	err := yamltree.Walk(root, budget, func(c *yamltree.Cursor) bool {
		for _, s := range skip {
			if c.Path.HasPrefix(yamltree.Pattern(s)) {
				return false
			}
		}
		n := c.Node
		switch {
		case n.Kind == yamltree.Map && len(n.Entries) == 0:
			out[c.Path.String()] = "{}"
		case n.Kind == yamltree.Seq && len(n.Items) == 0:
			out[c.Path.String()] = "[]"
		case n.Kind == yamltree.Scalar || n.Kind == yamltree.Null:
			out[c.Path.String()] = fmt.Sprintf("%d|%s|%s", n.Kind, n.Tag, n.Value)
		}
		return true
	})
	return out, err
}
