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
				if parent.Has(s.Parent[j].Key) {
					return nil, fmt.Errorf("join sections: key %q appears twice", s.Parent[j].Key)
				}
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
// fingerprinted, sorted and filtered with cfg (nil: the defaults) and the
// section's own inline ignore comments.
func ScanSections(ctx context.Context, whole *yamltree.File, sections []Section, reg *rule.Registry, cfg *config.Config) ([][]finding.Finding, error) {
	ix, err := indexSections(sections)
	if err != nil {
		return nil, err
	}
	doc := whole.Docs[0]
	fam, prefix := catalog.DetectFamily(doc.Root)
	chartAware := fam != rule.ApacheAirflow
	found := make([][]finding.Finding, len(sections))
	cur := -1
	err = yamltree.Walk(doc.Root, yamltree.NewBudget(whole, yamltree.DefaultLimits), func(c *yamltree.Cursor) bool {
		if g, prune := ix.at(c.Path); prune {
			return false
		} else if g >= 0 {
			cur = g
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
	if cfg == nil {
		cfg = config.Default()
	}
	finishSections(found, sections, reg, cfg)
	return found, nil
}

// ScanSection is ScanSections with one section selected, k, found by
// walking down to it: the cost does not depend on the rest of the file.
func ScanSection(ctx context.Context, whole *yamltree.File, sections []Section, k int, reg *rule.Registry, cfg *config.Config) ([]finding.Finding, error) {
	doc := whole.Docs[0]
	root := &yamltree.Cursor{Node: doc.Root}
	at, s := root, sections[k]
	for _, e := range s.Parent {
		n := at.Node.Get(e.Key)
		if n == nil {
			return nil, fmt.Errorf("scan section: no %s in the document", at.Path.Key(e.Key))
		}
		at = &yamltree.Cursor{Path: at.Path.Key(e.Key), Node: n, Parent: at}
	}
	entry := s.File.First().Entries[0]
	start := &yamltree.Cursor{Path: at.Path.Key(entry.Key), Node: entry.Value, Parent: at}
	fam, prefix := catalog.DetectFamily(doc.Root)
	chartAware := fam != rule.ApacheAirflow
	var found []finding.Finding
	err := yamltree.WalkFrom(start, yamltree.NewBudget(whole, yamltree.DefaultLimits), func(c *yamltree.Cursor) bool {
		if c.Node.Kind != yamltree.Scalar {
			return ctx.Err() == nil
		}
		sc := &rule.Scalar{Cursor: c, File: s.File, Doc: doc}
		if chartAware && c.Path.HasPrefix(yamltree.Pattern(prefix)) {
			sc.Rel = c.Path[len(prefix):]
			if sc.Rel == nil {
				sc.Rel = yamltree.Path{}
			}
		}
		checkScalar(sc, reg, func(f finding.Finding) { found = append(found, f) })
		return ctx.Err() == nil
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		cfg = config.Default()
	}
	all := [][]finding.Finding{found}
	finishSections(all, []Section{s}, reg, cfg)
	return all[0], nil
}

// sectionIndex finds the section a walk is in from the path alone.
type sectionIndex struct {
	group   map[sectionKey]int
	deepest int
	wanted  map[string]bool // parents of the selected sections
	scan    []bool
}

type sectionKey struct {
	depth       int
	parent, key string
}

func indexSections(sections []Section) (*sectionIndex, error) {
	ix := &sectionIndex{group: make(map[sectionKey]int, len(sections)), wanted: map[string]bool{}, scan: make([]bool, len(sections))}
	for i, s := range sections {
		if len(s.Parent) > 1 {
			return nil, fmt.Errorf("scan sections: section %d is nested too deep", i)
		}
		k := sectionKey{depth: 1, key: s.File.First().Entries[0].Key}
		if len(s.Parent) == 1 {
			k.depth, k.parent = 2, s.Parent[0].Key
			if s.Scan {
				ix.wanted[k.parent] = true
			}
		}
		ix.group[k] = i
		ix.deepest = max(ix.deepest, k.depth)
		ix.scan[i] = s.Scan
	}
	return ix, nil
}

// at returns the section whose entry is at path (-1 when none) and
// whether the walk can skip what is below: a section that is not
// selected, or a parent with nothing selected below it.
func (ix *sectionIndex) at(path yamltree.Path) (group int, prune bool) {
	n := len(path)
	if n == 0 || n > ix.deepest {
		return -1, false
	}
	k := sectionKey{depth: n, key: path[n-1].Key}
	if n == 2 {
		k.parent = path[0].Key
	}
	if g, ok := ix.group[k]; ok {
		return g, !ix.scan[g]
	}
	return -1, n == 1 && !ix.wanted[k.key]
}

// finishSections deduplicates, fingerprints, sorts and filters each
// section's findings.
func finishSections(found [][]finding.Finding, sections []Section, reg *rule.Registry, cfg *config.Config) {
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
		found[i], _ = filter(fs, []*yamltree.File{sections[i].File}, cfg, nil)
	}
}
