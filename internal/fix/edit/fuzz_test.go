package edit_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/yamltree"
)

var fuzzLimits = yamltree.Limits{MaxBytes: 1 << 16, MaxDepth: 64, MaxVisits: 20_000}

// FuzzApply edits random values files the way fix does. Every outcome
// must be a clean refusal, or YAML that parses and keeps every value
// outside the edited paths.
func FuzzApply(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("a: {b: [1, 2], c: 'x'}\nd:\n- e\n- {f: g}\n"))
	f.Add([]byte("a: |\n  x\n  y\nb: >-\n   z\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return // values-file sized inputs; larger ones only slow the search
		}
		src := &yamltree.Source{Name: "fuzz.yaml", Kind: yamltree.User}
		before, err := yamltree.Parse(src, data, fuzzLimits)
		if err != nil || len(before.Docs) == 0 || yamltree.Walk(before.First(), yamltree.NewBudget(before, yamltree.Limits{MaxVisits: 20_000}), func(*yamltree.Cursor) bool { return true }) != nil {
			return // alias bombs are refused elsewhere; keep fuzzing fast
		}
		d, err := edit.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		for _, ops := range fuzzOps(before.First()) {
			out, err := d.Apply(ops)
			if err != nil {
				if !errors.Is(err, edit.ErrRefused) {
					t.Fatalf("not a refusal: %v", err)
				}
				continue
			}
			after, err := yamltree.Parse(src, out, yamltree.DefaultLimits)
			if err != nil {
				t.Fatalf("edited YAML does not parse: %v\n%q", err, out)
			}
			if diff := outside(before.First(), after.First(), ops); diff != "" {
				t.Fatalf("value outside the edit changed: %s\nbefore %q\nafter  %q", diff, data, out)
			}
		}
	})
}

// fuzzOps builds edits on the first scalar, mapping and list it finds.
func fuzzOps(root *yamltree.Node) [][]edit.Op {
	var scalar, mapping, list yamltree.Path
	var haveS, haveM, haveL bool
	_ = yamltree.Walk(root, &yamltree.Budget{Left: 10_000}, func(c *yamltree.Cursor) bool {
		switch n := c.Node; {
		case n.Kind == yamltree.Scalar && !haveS && len(c.Path) > 0:
			scalar, haveS = c.Path, true
		case n.Kind == yamltree.Map && !haveM:
			mapping, haveM = c.Path, true
		case n.Kind == yamltree.Seq && !haveL && len(c.Path) > 0 && !c.Path[len(c.Path)-1].IsIndex:
			list, haveL = c.Path, true
		}
		return true
	})
	var all, out [][]edit.Op
	if haveS {
		all = append(all, []edit.Op{edit.SetScalar{Path: scalar, Value: "${X}"}})
		if !scalar[len(scalar)-1].IsIndex {
			all = append(all, []edit.Op{edit.DeleteKey{Path: scalar}})
		}
	}
	if haveM {
		all = append(all, []edit.Op{edit.Merge{Path: mapping, Value: edit.Map("airlock_k", "v", "airlock_m", edit.Map("n", "1"))}})
	}
	if haveL {
		all = append(all, []edit.Op{&edit.Append{Path: list, Items: []edit.Frag{edit.Map("name", "A", "value", "b")}}})
	}
	out = append(out, all...)
	var combined []edit.Op
	for _, ops := range all {
		if _, ok := ops[0].(edit.DeleteKey); !ok {
			combined = append(combined, ops...)
		}
	}
	if len(combined) > 1 {
		out = append(out, combined)
	}
	return out
}

// outside compares every leaf not under a path the ops name.
func outside(a, b *yamltree.Node, ops []edit.Op) string {
	var skip []yamltree.Path
	for _, op := range ops {
		switch o := op.(type) {
		case edit.SetScalar:
			skip = append(skip, o.Path)
		case edit.DeleteKey:
			skip = append(skip, o.Path.Parent())
		case edit.Merge:
			skip = append(skip, o.Path)
		case *edit.Append:
			skip = append(skip, o.Path)
		}
	}
	la, lb := leafMap(a, skip), leafMap(b, skip)
	for p, v := range la {
		if lb[p] != v {
			return p
		}
	}
	for p, v := range lb {
		if la[p] != v {
			return p
		}
	}
	return ""
}

func leafMap(root *yamltree.Node, skip []yamltree.Path) map[string]string {
	out := map[string]string{}
	_ = yamltree.Walk(root, &yamltree.Budget{Left: 20_000}, func(c *yamltree.Cursor) bool {
		for _, s := range skip {
			if c.Path.HasPrefix(yamltree.Pattern(s)) {
				return false
			}
		}
		if c.Node.Kind == yamltree.Scalar || c.Node.Kind == yamltree.Null {
			out[c.Path.String()] = fmt.Sprintf("%s|%s", c.Node.Tag, c.Node.Value)
		}
		return true
	})
	return out
}
