package yamltree_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// flatten renders effective values as path=value@source:line.
func flatten(n *yamltree.Node) map[string]string {
	out := map[string]string{}
	_ = yamltree.Walk(n, nil, func(c *yamltree.Cursor) bool {
		if c.Node.Kind == yamltree.Scalar {
			out[c.Path.String()] = fmt.Sprintf("%s@%s:%d", c.Node.Value, c.Node.Src.Name, c.Node.Pos.Line)
		}
		return true
	})
	return out
}

func file(t *testing.T, name string, kind yamltree.SourceKind, src string) *yamltree.Node {
	t.Helper()
	f, err := yamltree.Parse(&yamltree.Source{Name: name, Kind: kind}, []byte(src), yamltree.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return f.First()
}

func TestEffectiveHelmSemantics(t *testing.T) {
	defaults := "a:\n  x: 1\n  y: 2\nlist: [d1, d2]\nm:\n  k: v\n"
	tests := []struct {
		name  string
		users []string
		want  map[string]string
	}{
		{
			name: "defaults only",
			want: map[string]string{"a.x": "1@chart:2", "a.y": "2@chart:3", "list[0]": "d1@chart:4", "list[1]": "d2@chart:4", "m.k": "v@chart:6"},
		},
		{
			name:  "maps deep-merge, lists replace",
			users: []string{"a:\n  y: 20\nlist: [u1]\n"},
			want:  map[string]string{"a.x": "1@chart:2", "a.y": "20@u0:2", "list[0]": "u1@u0:3", "m.k": "v@chart:6"},
		},
		{
			name:  "null deletes a default",
			users: []string{"a:\n  x: null\nm:\n"},
			want:  map[string]string{"a.y": "2@chart:3", "list[0]": "d1@chart:4", "list[1]": "d2@chart:4"},
		},
		{
			name:  "later files win, null in a later file deletes an earlier value",
			users: []string{"a:\n  y: 20\n  z: 30\n", "a:\n  y: 200\n  z: ~\n"},
			want:  map[string]string{"a.x": "1@chart:2", "a.y": "200@u1:2", "list[0]": "d1@chart:4", "list[1]": "d2@chart:4", "m.k": "v@chart:6"},
		},
		{
			name:  "duplicate keys: the last wins",
			users: []string{"a:\n  y: first\n  y: second\n"},
			want:  map[string]string{"a.x": "1@chart:2", "a.y": "second@u0:3", "list[0]": "d1@chart:4", "list[1]": "d2@chart:4", "m.k": "v@chart:6"},
		},
		{
			name:  "a scalar replaces a map",
			users: []string{"m: flat\n"},
			want:  map[string]string{"a.x": "1@chart:2", "a.y": "2@chart:3", "list[0]": "d1@chart:4", "list[1]": "d2@chart:4", "m": "flat@u0:1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var users []*yamltree.Node
			for i, u := range tt.users {
				users = append(users, file(t, fmt.Sprintf("u%d", i), yamltree.User, u))
			}
			got := flatten(yamltree.Effective(file(t, "chart", yamltree.ChartDefault, defaults), users...))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("effective values (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzParseAndMerge: no input may panic the parser, the walk or the merge,
// and every error must be a located input error.
func FuzzParseAndMerge(f *testing.F) {
	for _, s := range []string{
		"a: 1", "a: &x [1, *x]", "<<: {a: 1}", "a:\n  - b: |\n      c\n", "\ufeffk: v\r\n", "--- \n...\n---\na: b",
		"a: &a [x]\nb: [*a, *a]\nc: {<<: [*a]}", "? [complex]\n: key", "a: !!binary aGVsbG8=", "x: *unknown",
	} {
		f.Add(s, "a: {b: 2}\n")
	}
	f.Fuzz(func(t *testing.T, src, second string) {
		lim := yamltree.Limits{MaxBytes: 1 << 16, MaxDepth: 64, MaxVisits: 20000}
		a, err := yamltree.Parse(&yamltree.Source{Name: "a.yaml", Kind: yamltree.User}, []byte(src), lim)
		if err != nil {
			if !strings.Contains(err.Error(), "a.yaml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		b, err := yamltree.Parse(&yamltree.Source{Name: "b.yaml", Kind: yamltree.User}, []byte(second), lim)
		if err != nil {
			return
		}
		eff := yamltree.Effective(a.First(), b.First())
		_ = yamltree.Walk(eff, &yamltree.Budget{Left: 20000}, func(*yamltree.Cursor) bool { return true })
		for _, d := range a.Docs {
			_ = yamltree.Walk(d.Root, yamltree.NewBudget(a, lim), func(*yamltree.Cursor) bool { return true })
		}
	})
}
