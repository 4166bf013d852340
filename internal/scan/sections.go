package scan

import (
	"context"
	"fmt"

	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Section is one entry of a mapping, parsed on its own: its File holds a
// mapping with that single entry, with positions relative to the text it
// was parsed from. Incremental scans (git history above all, where most of
// a file is unchanged from one version to the next) split a document into
// sections and only scan the ones they have not seen before.
type Section struct {
	// Parent is the path of the mapping the entry belongs to: nil for the
	// document root, [airflow] for an entry of airflow:.
	Parent yamltree.Path
	File   *yamltree.File
	// Scan selects the section; the findings of the others are known.
	Scan bool
}

// JoinSections rebuilds the document the sections were cut from, with
// intermediate mappings for their parents.
func JoinSections(sections []Section) (*yamltree.File, error) {
	if len(sections) == 0 {
		return nil, fmt.Errorf("join sections: none")
	}
	src := sections[0].File.Src
	root := &yamltree.Node{Kind: yamltree.Map, Tag: "map", Pos: yamltree.Pos{Line: 1, Col: 1}, Src: src}
	maps := map[string]*yamltree.Node{}
	whole := &yamltree.File{Src: src, Nodes: 1}
	for i, s := range sections {
		r := s.File.First()
		if r == nil || r.Kind != yamltree.Map || len(r.Entries) != 1 || len(s.File.Docs) != 1 {
			return nil, fmt.Errorf("join sections: section %d is not a single-entry mapping", i)
		}
		parent, k := root, ""
		for j := range s.Parent {
			// Keys joined with NUL name a parent without building its
			// display path: this runs for every section of every version.
			if j == 0 {
				k = s.Parent[0].Key
			} else {
				k += "\x00" + s.Parent[j].Key
			}
			m := maps[k]
			if m == nil {
				m = &yamltree.Node{Kind: yamltree.Map, Tag: "map", Src: src}
				maps[k] = m
				parent.Entries = append(parent.Entries, yamltree.Entry{Key: s.Parent[j].Key, Value: m})
				whole.Nodes++
			}
			parent = m
		}
		if parent.Has(r.Entries[0].Key) {
			return nil, fmt.Errorf("join sections: key %q appears twice", r.Entries[0].Key)
		}
		parent.Entries = append(parent.Entries, r.Entries[0])
		whole.Nodes += s.File.Nodes
	}
	whole.Docs = []*yamltree.Document{{Src: src, Root: root}}
	return whole, nil
}

// ScanSections runs the scalar rules below the selected sections of a
// document, with the whole document (JoinSections of the same sections)
// as context: chart family detection, parents, siblings; merge-free, no
// chart defaults, as for any file scanned on its own. Findings come back
// per section, with the section's relative positions, deduplicated,
// fingerprinted, sorted and filtered with the default config and the
// section's own inline ignore comments.
func ScanSections(ctx context.Context, whole *yamltree.File, sections []Section, reg *rule.Registry) ([][]finding.Finding, error) {
	type entryKey struct {
		depth       int
		parent, key string
	}
	group, deepest := make(map[entryKey]int, len(sections)), 0
	wanted := map[string]bool{} // parents of the selected sections
	for i, s := range sections {
		if len(s.Parent) > 1 {
			return nil, fmt.Errorf("scan sections: section %d is nested too deep", i)
		}
		k := entryKey{depth: 1, key: s.File.First().Entries[0].Key}
		if len(s.Parent) == 1 {
			k.depth, k.parent = 2, s.Parent[0].Key
		}
		group[k] = i
		deepest = max(deepest, len(s.Parent)+1)
		if s.Scan && len(s.Parent) == 1 {
			wanted[s.Parent[0].Key] = true
		}
	}
	doc := whole.Docs[0]
	fam, prefix := catalog.DetectFamily(doc.Root)
	chartAware := fam != rule.ApacheAirflow
	found := make([][]finding.Finding, len(sections))
	cur := -1
	err := yamltree.Walk(doc.Root, yamltree.NewBudget(whole, yamltree.DefaultLimits), func(c *yamltree.Cursor) bool {
		if n := len(c.Path); n > 0 && n <= deepest {
			k := entryKey{depth: n, key: c.Path[n-1].Key}
			if n == 2 {
				k.parent = c.Path[0].Key
			}
			if g, ok := group[k]; ok {
				if cur = g; !sections[g].Scan {
					return false
				}
			} else if n == 1 && !wanted[k.key] {
				return false // a parent with nothing selected below it
			}
		}
		if c.Node.Kind != yamltree.Scalar || cur < 0 {
			return ctx.Err() == nil
		}
		s := &rule.Scalar{Cursor: c, File: sections[cur].File, Doc: doc}
		if chartAware && c.Path.HasPrefix(yamltree.Pattern(prefix)) {
			s.Rel = c.Path[len(prefix):]
			if s.Rel == nil {
				s.Rel = yamltree.Path{}
			}
		}
		checkScalar(s, reg, func(f finding.Finding) { found[cur] = append(found[cur], f) })
		return ctx.Err() == nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	var rank map[string]int // only needed when a section has two findings to choose from
	for i, fs := range found {
		if len(fs) == 0 {
			continue
		}
		if len(fs) > 1 && rank == nil {
			rank = rankOf(reg)
		}
		fs = dedupe(fs, rank)
		for j := range fs {
			fs[j].SetFingerprint()
		}
		finding.Sort(fs)
		found[i], _ = filter(fs, []*yamltree.File{sections[i].File}, config.Default(), nil)
	}
	return found, nil
}
