package gitscan

import "hash/maphash"

// digest is a 128-bit content hash: two 64-bit maphash sums with
// independent random seeds. It identifies pieces and contexts in the
// section cache. maphash is several times faster than SHA-256 here, and
// with seeds drawn per run nobody can plant a collision.
type digest [2]uint64

// hasher computes digests.
type hasher struct{ a, b maphash.Hash }

// seeds are a run's pair of seeds.
type seeds struct{ a, b maphash.Seed }

func newSeeds() seeds { return seeds{maphash.MakeSeed(), maphash.MakeSeed()} }

func (s seeds) hasher() *hasher {
	h := &hasher{}
	h.a.SetSeed(s.a)
	h.b.SetSeed(s.b)
	return h
}

func (h *hasher) write(p []byte) {
	_, _ = h.a.Write(p)
	_, _ = h.b.Write(p)
}

func (h *hasher) writeString(s string) {
	_, _ = h.a.WriteString(s)
	_, _ = h.b.WriteString(s)
}

func (h *hasher) sum() digest { return digest{h.a.Sum64(), h.b.Sum64()} }
