package gitscan

import (
	"context"
	"encoding/binary"
	"sync"

	"github.com/airlockhq/airlock/internal/rule/catalog"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Most commits to a values file change one of its sections. Scanning a
// new version piece by piece (split.go), and reusing the parse and the
// findings of every piece whose text was seen before in the same context,
// is what makes a history scan cost about what its diffs cost rather than
// what its files cost. Anything that cannot be split exactly is scanned
// whole, and a test checks both ways agree on a corpus of real files.

// sectionCache remembers parsed sections and their findings by content.
// It is bounded: past the budget it starts over, which keeps what recent
// versions share, since history is read oldest first, file by file.
type sectionCache struct {
	mu     sync.Mutex
	seeds  seeds
	parsed map[digest]*yamltree.File
	hits   map[[2]digest][]hit
	held   int
	budget int
}

func newSectionCache(budget int) *sectionCache {
	return &sectionCache{seeds: newSeeds(), parsed: map[digest]*yamltree.File{}, hits: map[[2]digest][]hit{}, budget: budget}
}

func (c *sectionCache) parse(name string, p piece, lim yamltree.Limits) (*yamltree.File, digest, error) {
	sum := p.sum(c.seeds)
	c.mu.Lock()
	f := c.parsed[sum]
	c.mu.Unlock()
	if f != nil {
		return f, sum, nil
	}
	text := p.text()
	f, err := yamltree.Parse(&yamltree.Source{Name: name, Kind: yamltree.User}, text, lim)
	if err != nil {
		return nil, sum, err
	}
	c.mu.Lock()
	if c.held += len(text); c.held > c.budget {
		c.parsed, c.hits, c.held = map[digest]*yamltree.File{}, map[[2]digest][]hit{}, len(text)
	}
	c.parsed[sum] = f
	c.mu.Unlock()
	return f, sum, nil
}

// scanSections scans a version piece by piece. handled is false when the
// version cannot be split exactly and must be scanned whole. It starts
// from the last version of the same path when it can (incremental.go).
func (s *blobScanner) scanSections(ctx context.Context, name string, data []byte) (res *blobResult, handled bool, err error) {
	if v := s.versions.take(name); v != nil {
		res, err := s.scanDifference(ctx, name, data, v)
		if err != nil {
			return nil, false, err
		}
		if res != nil {
			s.versions.put(name, v)
			return res, true, nil
		}
	}
	pieces := splitPieces(data)
	if pieces == nil {
		return nil, false, nil
	}
	secs := make([]scan.Section, len(pieces))
	sums := make([]digest, len(pieces))
	for i, p := range pieces {
		f, sum, err := s.cache.parse(name, p, s.lim)
		if err != nil || len(f.Docs) != 1 || f.First() == nil || f.First().Kind != yamltree.Map || len(f.First().Entries) != 1 {
			return nil, false, nil // not cut at a real boundary after all
		}
		secs[i], sums[i] = scan.Section{File: f}, sum
		if p.parent != "" {
			secs[i].Parent = yamltree.Path{{Key: p.parent}}
		}
	}
	whole, err := scan.JoinSections(secs)
	if err != nil {
		return nil, false, nil // a duplicate key: let the whole-file scan judge it
	}
	keys := contextSums(s.cache.seeds, whole.First(), pieces)
	known := make([][]hit, len(pieces))
	any := false
	s.cache.mu.Lock()
	for i, p := range pieces {
		h, ok := s.cache.hits[[2]digest{sums[i], keys[p.parent]}]
		known[i], secs[i].Scan = h, !ok
		any = any || !ok
	}
	s.cache.mu.Unlock()
	if any {
		found, err := scan.ScanSections(ctx, whole, secs, s.reg, s.cfg)
		if err != nil {
			return nil, false, err
		}
		s.cache.mu.Lock()
		for i, p := range pieces {
			if secs[i].Scan {
				known[i] = s.hits(found[i])
				s.cache.hits[[2]digest{sums[i], keys[p.parent]}] = known[i]
			}
		}
		s.cache.mu.Unlock()
	}
	v := &version{data: data, pieces: pieces, secs: secs, sums: sums, keys: keys, hits: known, relevant: byContent(whole), whole: whole, at: locate(whole, secs)}
	for i := range v.pieces {
		v.pieces[i].lines = nil // offsets say where they are; data stays
		v.secs[i].Scan = false
	}
	s.versions.put(name, v)
	return v.result(), true, nil
}

// contextSums says what the findings of a piece depend on outside it,
// per parent of the pieces ("" for the root): the chart family and where
// its values start, and the keys and scalar values of the root and of
// the parent (a manifest's kind, the name beside an env value, how many
// keys of a map look like environment variables).
func contextSums(s seeds, root *yamltree.Node, pieces []piece) map[string]digest {
	base := s.hasher()
	fam, prefix := catalog.DetectFamily(root)
	base.write([]byte{byte(fam)})
	base.writeString(prefix.String() + "\x00")
	mapSum(base, root)
	rootSum := base.sum()
	out := map[string]digest{"": rootSum}
	for _, p := range pieces {
		if _, done := out[p.parent]; done {
			continue
		}
		h := s.hasher()
		h.write(binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, rootSum[0]), rootSum[1]))
		h.writeString(p.parent)
		h.writeString("\x00")
		mapSum(h, root.Get(p.parent))
		out[p.parent] = h.sum()
	}
	return out
}

func mapSum(h *hasher, m *yamltree.Node) {
	if m == nil {
		return
	}
	for _, e := range m.Entries {
		h.writeString(e.Key)
		h.writeString("\x00")
		if e.Value.Kind == yamltree.Scalar {
			h.writeString(e.Value.Tag)
			h.writeString("\x00")
			h.writeString(e.Value.Value)
			h.writeString("\x00")
		}
	}
}
