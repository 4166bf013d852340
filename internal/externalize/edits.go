package externalize

import (
	"fmt"

	"github.com/airlockhq/airlock/internal/fix"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// edits collects the values changes a style makes on top of fix's: ops on
// existing entries, then entries merged at the root, applied as two
// verified splices per file (a mapping that loses its last entry and gains
// new ones in the same splice would be ambiguous).
type edits struct {
	order []string // files in Helm order
	ops   map[string][]edit.Op
	merge map[string]edit.Frag
}

func newEdits(files []string) *edits {
	return &edits{order: files, ops: map[string][]edit.Op{}, merge: map[string]edit.Frag{}}
}

// op records an op; appends to one list coalesce, so that the splicer sees
// the list grow once.
func (e *edits) op(file string, op edit.Op) {
	if a, ok := op.(*edit.Append); ok {
		for _, o := range e.ops[file] {
			if prev, ok := o.(*edit.Append); ok && prev.Path.String() == a.Path.String() {
				prev.Items = append(prev.Items, a.Items...)
				return
			}
		}
	}
	e.ops[file] = append(e.ops[file], op)
}

// mergeAt makes the mapping at path of file contain v's entries.
func (e *edits) mergeAt(file string, path string, v edit.Frag) {
	p, err := yamltree.ParsePath(path)
	if err != nil {
		panic("externalize: bad path " + path)
	}
	f := edit.Nest(yamltree.Path(p), v)
	if cur, ok := e.merge[file]; ok {
		f = edit.MergeFrags(cur, f)
	}
	e.merge[file] = f
}

// last is the file with the highest precedence, where new map entries go.
func (e *edits) last() string { return e.order[len(e.order)-1] }

// apply splices the edits into the current bytes of each file (fix's
// result, or the original) and returns the changes against the original.
func (e *edits) apply(changes []fix.FileChange, original map[string][]byte) ([]fix.FileChange, error) {
	cur := map[string][]byte{}
	for name, b := range original {
		cur[name] = b
	}
	for _, c := range changes {
		cur[c.Name] = c.After
	}
	for _, name := range e.order {
		for _, ops := range [][]edit.Op{e.ops[name], e.mergeOps(name)} {
			if len(ops) == 0 {
				continue
			}
			doc, err := edit.Parse(name, cur[name])
			if err != nil {
				return nil, err
			}
			out, err := doc.Apply(ops)
			if err != nil {
				return nil, fmt.Errorf("%s cannot be edited safely for externalize: %w", name, err)
			}
			cur[name] = out
		}
	}
	var out []fix.FileChange
	for _, name := range e.order {
		if string(cur[name]) != string(original[name]) {
			out = append(out, fix.FileChange{Name: name, Before: original[name], After: cur[name]})
		}
	}
	return out, nil
}

func (e *edits) mergeOps(name string) []edit.Op {
	if m, ok := e.merge[name]; ok {
		return []edit.Op{edit.Merge{Path: nil, Value: m}}
	}
	return nil
}
