package gitscan

import (
	"context"
	"crypto/sha256"
	"hash"
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
	parsed map[[32]byte]*yamltree.File
	hits   map[[2][32]byte][]hit
	held   int
	budget int
}

func newSectionCache(budget int) *sectionCache {
	return &sectionCache{parsed: map[[32]byte]*yamltree.File{}, hits: map[[2][32]byte][]hit{}, budget: budget}
}

func (c *sectionCache) parse(name string, p piece, lim yamltree.Limits) (*yamltree.File, [32]byte, error) {
	sum := p.sum()
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
		c.parsed, c.hits, c.held = map[[32]byte]*yamltree.File{}, map[[2][32]byte][]hit{}, len(text)
	}
	c.parsed[sum] = f
	c.mu.Unlock()
	return f, sum, nil
}

// scanSections scans a version piece by piece. handled is false when the
// version cannot be split exactly and must be scanned whole.
func (s *blobScanner) scanSections(ctx context.Context, name string, data []byte) (res *blobResult, handled bool, err error) {
	pieces := splitPieces(data)
	if pieces == nil {
		return nil, false, nil
	}
	secs := make([]scan.Section, len(pieces))
	sums := make([][32]byte, len(pieces))
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
	keys := contextSums(whole.First())
	out := &blobResult{relevant: byContent(whole)}
	known := make([][]hit, len(pieces))
	any := false
	s.cache.mu.Lock()
	for i, p := range pieces {
		h, ok := s.cache.hits[[2][32]byte{sums[i], keys[p.parent]}]
		known[i], secs[i].Scan = h, !ok
		any = any || !ok
	}
	s.cache.mu.Unlock()
	if any {
		found, err := scan.ScanSections(ctx, whole, secs, s.reg)
		if err != nil {
			return nil, false, err
		}
		s.cache.mu.Lock()
		for i, p := range pieces {
			if secs[i].Scan {
				known[i] = s.hits(found[i])
				s.cache.hits[[2][32]byte{sums[i], keys[p.parent]}] = known[i]
			}
		}
		s.cache.mu.Unlock()
	}
	for i, p := range pieces {
		for _, h := range known[i] {
			h.line += int32(p.start - 1)
			h.col += int32(p.indent)
			out.hits = append(out.hits, h)
		}
	}
	return out, true, nil
}

// contextSums says what the findings of a piece depend on outside it,
// per parent ("" for the root): the chart family and where its values
// start, and the keys and scalar values of the root and of the parent
// (a manifest's kind, the name beside an env value, how many keys of a
// map look like environment variables).
func contextSums(root *yamltree.Node) map[string][32]byte {
	base := sha256.New()
	fam, prefix := catalog.DetectFamily(root)
	base.Write([]byte{byte(fam)})
	base.Write([]byte(prefix.String() + "\x00"))
	mapSum(base, root)
	rootSum := [32]byte(base.Sum(nil))
	out := map[string][32]byte{"": rootSum}
	for _, e := range root.Entries {
		if e.Value.Kind == yamltree.Map {
			h := sha256.New()
			h.Write(rootSum[:])
			h.Write([]byte(e.Key + "\x00"))
			mapSum(h, e.Value)
			out[e.Key] = [32]byte(h.Sum(nil))
		}
	}
	return out
}

func mapSum(h hash.Hash, m *yamltree.Node) {
	for _, e := range m.Entries {
		h.Write([]byte(e.Key + "\x00"))
		if e.Value.Kind == yamltree.Scalar {
			h.Write([]byte(e.Value.Tag + "\x00" + e.Value.Value + "\x00"))
		}
	}
}
