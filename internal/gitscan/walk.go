package gitscan

import (
	"context"
	"path"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/source/gitlog"
)

// change is one file version a commit wrote: interned path and blob.
type change struct{ path, blob int32 }

type commitRec struct {
	meta    finding.Commit
	changes []change
}

// walk collects a history compactly: paths and blob ids are interned, and
// only changes to YAML files are kept.
type walk struct {
	repo     *gitlog.Repo
	revs     []string
	tip      string // revision whose tree decides "still present"; "" when none
	tipID    string
	branch   string
	sinceID  string
	boundary map[string]bool
	explicit map[string]bool
	paths    []string
	pathIdx  map[string]int32
	parent   []int32 // union-find over paths: renames join lineages
	blobs    []string
	blobIdx  map[string]int32
	blobPath []int32 // the first path each blob was seen under
	commits  []commitRec
	walked   int
	tipFiles []change
	oldFiles []change // the tree of Since: secrets already there are not new
	desc     string
	strs     map[string]string
	// found is told about each blob the first time the walk sees it, with
	// the path to parse it under.
	found func(id, name string) error
}

// newWalk resolves the revisions to scan. It returns nil, nil for a
// repository without commits.
func newWalk(ctx context.Context, repo *gitlog.Repo, o Options) (*walk, error) {
	w := &walk{repo: repo, explicit: map[string]bool{}, pathIdx: map[string]int32{}, blobIdx: map[string]int32{}}
	for _, p := range o.Paths {
		w.explicit[path.Clean(p)] = true
	}
	hasCommits := repo.HasCommits(ctx)
	switch {
	case o.All:
		w.revs, w.desc = []string{"--all"}, "all refs"
		if hasCommits {
			w.tip = "HEAD"
		}
	case o.Branch == "" && !hasCommits:
		return nil, nil
	default:
		w.tip = o.Branch
		if w.tip == "" {
			w.tip = "HEAD"
		}
		w.desc = w.tip
	}
	var err error
	if w.tip != "" {
		if w.tipID, err = repo.Resolve(ctx, w.tip); err != nil {
			return nil, err
		}
		if !o.All {
			w.revs = []string{w.tipID}
		}
	}
	w.branch = o.Branch
	if w.branch == "" {
		w.branch = repo.CurrentBranch(ctx)
	}
	if o.Since != "" {
		if w.sinceID, err = repo.Resolve(ctx, o.Since); err != nil {
			return nil, err
		}
		w.revs = append(w.revs, "^"+w.sinceID)
		w.desc += " since " + short(w.sinceID)
	}
	w.boundary, err = repo.ShallowBoundary(ctx)
	return w, err
}

// intern shares the strings that repeat across commits (authors).
func (w *walk) intern(s string) string {
	if v, ok := w.strs[s]; ok {
		return v
	}
	if w.strs == nil {
		w.strs = map[string]string{}
	}
	w.strs[s] = s
	return s
}

func (w *walk) pathID(p string) int32 {
	if id, ok := w.pathIdx[p]; ok {
		return id
	}
	id := int32(len(w.paths))
	w.paths = append(w.paths, p)
	w.pathIdx[p] = id
	w.parent = append(w.parent, id)
	return id
}

func (w *walk) blobID(b string, pathID int32) (int32, error) {
	if id, ok := w.blobIdx[b]; ok {
		return id, nil
	}
	id := int32(len(w.blobs))
	w.blobs = append(w.blobs, b)
	w.blobIdx[b] = id
	w.blobPath = append(w.blobPath, pathID)
	if w.found == nil {
		return id, nil
	}
	return id, w.found(b, w.paths[pathID])
}

// lineage returns the representative of a path's rename family.
func (w *walk) lineage(p int32) int32 {
	for w.parent[p] != p {
		w.parent[p] = w.parent[w.parent[p]]
		p = w.parent[p]
	}
	return p
}

func (w *walk) union(a, b int32) {
	ra, rb := w.lineage(a), w.lineage(b)
	if ra != rb {
		w.parent[rb] = ra
	}
}

// selected reports a path whose versions are read: YAML files, and files
// the user named.
func (w *walk) selected(p string) bool { return isYAML(p) || w.explicit[p] }

// qualifies reports an occurrence worth reporting: by its path, or by
// what the version holds.
func (w *walk) qualifies(pathID int32, r *blobResult) bool {
	p := w.paths[pathID]
	return byName(p) || w.explicit[p] || r.relevant
}

func (w *walk) addCommit(c *gitlog.Commit) error {
	w.walked++
	rec := commitRec{meta: finding.Commit{ID: c.ID, Author: w.intern(c.Author), Email: w.intern(c.Email), Date: c.Time, Subject: c.Subject}}
	for _, ch := range c.Changes {
		if ch.Status == 'R' && w.selected(ch.OldPath) && w.selected(ch.Path) {
			w.union(w.pathID(ch.OldPath), w.pathID(ch.Path))
		}
		if !ch.Regular() || !w.selected(ch.Path) {
			continue
		}
		p := w.pathID(ch.Path)
		b, err := w.blobID(ch.Blob, p)
		if err != nil {
			return err
		}
		rec.changes = append(rec.changes, change{path: p, blob: b})
	}
	if len(rec.changes) > 0 {
		w.commits = append(w.commits, rec)
	}
	return nil
}

// addTrees lists the tip's files (to tell present from removed) and the
// files of Since (to leave out what was there before).
func (w *walk) addTrees(ctx context.Context, paths []string) error {
	read := func(rev string) ([]change, error) {
		entries, err := w.repo.Tree(ctx, rev, paths)
		if err != nil {
			return nil, err
		}
		var out []change
		for _, e := range entries {
			if e.Regular() && w.selected(e.Path) {
				p := w.pathID(e.Path)
				b, err := w.blobID(e.Blob, p)
				if err != nil {
					return nil, err
				}
				out = append(out, change{path: p, blob: b})
			}
		}
		return out, nil
	}
	var err error
	if w.tipID != "" {
		if w.tipFiles, err = read(w.tipID); err != nil {
			return err
		}
	}
	if w.sinceID != "" {
		w.oldFiles, err = read(w.sinceID)
	}
	return err
}

func short(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}
