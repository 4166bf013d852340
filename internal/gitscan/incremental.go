package gitscan

import (
	"bytes"
	"context"
	"sync"

	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Most commits to a values file change a few lines inside one entry. The
// next version of a path is then the last one with one piece replaced:
// find the changed lines by comparing the two versions, check they stay
// inside one piece without changing anything another piece depends on
// (its key, the kind of its value, the keys chart detection reads), and
// scan that piece alone. Anything else goes the long way (sections.go).

// version is what the scanner keeps of the last version of a path. Only
// the worker that took it (versions.take) changes it, in place.
type version struct {
	data     []byte
	pieces   []piece // offsets, no lines
	secs     []scan.Section
	sums     []digest
	keys     map[string]digest
	hits     [][]hit // per piece, relative to it
	relevant bool
	// whole is the document joined from secs; at says where each piece's
	// entry sits in it, so that a changed piece is swapped in place.
	whole *yamltree.File
	at    []entryRef
}

type entryRef struct {
	m *yamltree.Node // the mapping holding the entry
	i int
}

// locate finds each section's entry in the joined document.
func locate(whole *yamltree.File, secs []scan.Section) []entryRef {
	root := whole.First()
	out := make([]entryRef, len(secs))
	for i, s := range secs {
		m := root
		for _, e := range s.Parent {
			m = m.Get(e.Key)
		}
		key := s.File.First().Entries[0].Key
		for j := range m.Entries {
			if m.Entries[j].Key == key {
				out[i] = entryRef{m, j}
			}
		}
	}
	return out
}

// result places the pieces' hits in the file.
func (v *version) result() *blobResult {
	out := &blobResult{relevant: v.relevant}
	for i, p := range v.pieces {
		for _, h := range v.hits[i] {
			h.line += int32(p.start - 1)
			h.col += int32(p.indent)
			out.hits = append(out.hits, h)
		}
	}
	return out
}

// versions remembers the last version of each path, for a bounded number
// of paths (past that it starts over: a cost, never a wrong answer).
type versions struct {
	mu sync.Mutex
	m  map[string]*version
}

const maxVersions = 512

// take hands the last version of a path to one worker, which puts back
// the next one; meanwhile another worker with the same path goes the long
// way.
func (vs *versions) take(path string) *version {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	v := vs.m[path]
	delete(vs.m, path)
	return v
}

func (vs *versions) put(path string, v *version) {
	vs.mu.Lock()
	defer vs.mu.Unlock()
	if vs.m == nil || len(vs.m) >= maxVersions {
		vs.m = map[string]*version{}
	}
	vs.m[path] = v
}

// changedLines returns the byte range of whole lines that differ between
// old and data: old[a:oEnd] became data[a:nEnd].
func changedLines(old, data []byte) (a, oEnd, nEnd int) {
	p := 0
	for p < len(old) && p < len(data) && old[p] == data[p] {
		p++
	}
	a = bytes.LastIndexByte(data[:p], '\n') + 1
	s, limit := 0, min(len(old), len(data))-a
	for s < limit && old[len(old)-1-s] == data[len(data)-1-s] {
		s++
	}
	oEnd = len(old) - s
	if oEnd > a && old[oEnd-1] != '\n' {
		if k := bytes.IndexByte(old[oEnd:], '\n'); k >= 0 {
			oEnd += k + 1
		} else {
			oEnd = len(old)
		}
	}
	return a, oEnd, len(data) - (len(old) - oEnd)
}

// scanDifference scans data as v with one piece changed, and makes v
// that version. It returns a nil result (and no error, v unchanged) when
// the change is not of that kind.
func (s *blobScanner) scanDifference(ctx context.Context, name string, data []byte, v *version) (*blobResult, error) {
	a, oEnd, nEnd := changedLines(v.data, data)
	k := -1
	for i, p := range v.pieces {
		if p.keyEnd <= a && oEnd <= p.to {
			k = i
		}
	}
	if k < 0 || !deeperLines(data[a:nEnd], v.pieces[k].indent) {
		return nil, nil
	}
	old := v.pieces[k]
	delta := nEnd - oEnd
	np := old
	np.to += delta
	np.lines = bytes.SplitAfter(data[np.from:np.to], []byte("\n"))
	if n := len(np.lines); n > 0 && len(np.lines[n-1]) == 0 {
		np.lines = np.lines[:n-1]
	}
	f, sum, err := s.cache.parse(name, np, s.lim)
	if err != nil || !samePlace(v.secs[k].File, f, old.parent == "") {
		return nil, nil
	}
	// From here on v becomes the new version.
	np.lines = nil
	lines := bytes.Count(data[a:nEnd], []byte("\n")) - bytes.Count(v.data[a:oEnd], []byte("\n"))
	for i := k + 1; i < len(v.pieces); i++ {
		v.pieces[i].start += lines
		v.pieces[i].from += delta
		v.pieces[i].keyEnd += delta
		v.pieces[i].to += delta
	}
	v.whole.Nodes += f.Nodes - v.secs[k].File.Nodes
	v.data, v.pieces[k], v.secs[k].File, v.sums[k] = data, np, f, sum
	ref := v.at[k]
	ref.m.Entries[ref.i] = f.First().Entries[0]
	key := [2]digest{sum, v.keys[old.parent]}
	s.cache.mu.Lock()
	h, ok := s.cache.hits[key]
	s.cache.mu.Unlock()
	if !ok {
		found, err := scan.ScanSection(ctx, v.whole, v.secs, k, s.reg, s.cfg)
		if err != nil {
			return nil, err
		}
		h = s.hits(found)
		s.cache.mu.Lock()
		s.cache.hits[key] = h
		s.cache.mu.Unlock()
	}
	v.hits[k] = h
	return v.result(), nil
}

// deeperLines reports changed lines that can only belong to the piece
// around them: content indented deeper than the piece's key, no blank or
// comment lines (which could attach to the next piece), no anchors.
func deeperLines(b []byte, indent int) bool {
	if bytes.IndexByte(b, '\r') >= 0 || mayHaveAnchors(b) {
		return false
	}
	for len(b) > 0 {
		end := bytes.IndexByte(b, '\n')
		if end < 0 {
			end = len(b)
		}
		l := b[:end]
		t := bytes.TrimLeft(l, " ")
		if len(t) == 0 || t[0] == '#' || len(l)-len(t) <= indent {
			return false
		}
		b = b[min(end+1, len(b)):]
	}
	return true
}

// samePlace reports that a changed piece still fits where the old one
// was: a single entry with the same key and the same kind of value (not a
// scalar, whose value its siblings may depend on), and the same keys where
// chart detection reads them.
func samePlace(old, cur *yamltree.File, topLevel bool) bool {
	o, c := old.First(), cur.First()
	if len(cur.Docs) != 1 || c == nil || c.Kind != yamltree.Map || len(c.Entries) != 1 || o.Entries[0].Key != c.Entries[0].Key {
		return false
	}
	ov, cv := o.Entries[0].Value, c.Entries[0].Value
	if ov.Kind != cv.Kind || cv.Kind != yamltree.Map && cv.Kind != yamltree.Seq {
		return false
	}
	if !sameKeys(ov, cv) {
		return false
	}
	return !topLevel || sameKeys(ov.Get("airflow"), cv.Get("airflow"))
}

func sameKeys(a, b *yamltree.Node) bool {
	if a == nil || b == nil || a.Kind != yamltree.Map || b.Kind != yamltree.Map {
		return (a == nil || a.Kind != yamltree.Map) == (b == nil || b.Kind != yamltree.Map)
	}
	if len(a.Entries) != len(b.Entries) {
		return false
	}
	for i := range a.Entries {
		if a.Entries[i].Key != b.Entries[i].Key {
			return false
		}
	}
	return true
}
