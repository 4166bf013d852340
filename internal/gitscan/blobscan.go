package gitscan

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"regexp"
	"runtime"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/gitlog"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// indexRE matches list indices in a values path.
var indexRE = regexp.MustCompile(`\[[0-9]+\]`)

// skipReason says why a file version was not scanned.
type skipReason uint8

const (
	scanned skipReason = iota
	skipLarge
	skipBinary
	skipMalformed
)

// hit is a finding in one file version, with the keyed hash of its
// secret. The finding itself is shared by every version with the same
// section; a hit only carries its own position, which keeps a history of
// thousands of versions small.
type hit struct {
	f         *finding.Finding
	line, col int32
	vpath     string // values path without list indices
	sum       [16]byte
}

// finding returns the hit's finding at the hit's position.
func (h hit) finding() finding.Finding {
	f := *h.f
	f.Loc.Line, f.Loc.Col = int(h.line), int(h.col)
	return f
}

// blobResult is what one file version holds.
type blobResult struct {
	skip skipReason
	// relevant is set when the content is a manifest or Airflow values,
	// which makes any path holding it worth scanning.
	relevant bool
	hits     []hit
	// err is the parse error of a malformed version (staged scans report it).
	err error
}

// blobScanner scans file versions with the engine, merge-free.
type blobScanner struct {
	reg     *rule.Registry
	lim     yamltree.Limits
	key     []byte // HMAC key for secret identities; lives only in memory
	workers int
	cache   *sectionCache
	// versions is the last version of each path scanned piece by piece.
	versions *versions
	cfg      *config.Config // rule toggles, severities and allowlists; nil: defaults
}

// sectionBudget bounds the section text (and so the parsed trees) the
// cache holds.
const sectionBudget = 256 << 10

func newBlobScanner(reg *rule.Registry, workers int, cfg *config.Config) (*blobScanner, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	return &blobScanner{reg: reg, lim: yamltree.DefaultLimits, key: key, workers: workers, cache: newSectionCache(sectionBudget), versions: &versions{}, cfg: cfg}, nil
}

// sum is the identity of a secret value: a keyed hash, so that equal
// secrets meet without the plaintext being kept as a map key.
func (s *blobScanner) sum(secret string) [16]byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(secret))
	var out [16]byte
	copy(out[:], m.Sum(nil))
	return out
}

// scanBlob parses one version and runs the scalar rules over it. Files
// go in as Others, which the engine scans one by one without merging and
// without chart defaults.
func (s *blobScanner) scanBlob(ctx context.Context, name string, b gitlog.Blob) (*blobResult, error) {
	switch {
	case b.TooLarge:
		return &blobResult{skip: skipLarge}, nil
	case isBinary(b.Data):
		return &blobResult{skip: skipBinary}, nil
	}
	if s.cache != nil {
		if res, handled, err := s.scanSections(ctx, name, b.Data); handled || err != nil {
			return res, err
		}
	}
	return s.scanWhole(ctx, name, b)
}

// scanWhole parses and scans a version as one file.
func (s *blobScanner) scanWhole(ctx context.Context, name string, b gitlog.Blob) (*blobResult, error) {
	f, err := yamltree.Parse(&yamltree.Source{Name: name, Kind: yamltree.User}, b.Data, s.lim)
	if err != nil {
		return &blobResult{skip: skipMalformed, err: err}, nil
	}
	res, err := scan.Run(ctx, &scan.Inputs{Others: []*yamltree.File{f}, ChartFamily: rule.AirflowHelm, Limits: s.lim, Config: s.cfg}, s.reg)
	if errors.Is(err, yamltree.ErrInvalid) {
		// An alias bomb in an old version is that version's problem.
		return &blobResult{skip: skipMalformed, err: err}, nil
	}
	if err != nil {
		return nil, err
	}
	return &blobResult{relevant: byContent(f), hits: s.hits(res.Findings)}, nil
}

// hits pairs findings with their identities.
func (s *blobScanner) hits(fs []finding.Finding) []hit {
	out := make([]hit, 0, len(fs))
	for i := range fs {
		f := &fs[i]
		out = append(out, hit{f: f, line: int32(f.Loc.Line), col: int32(f.Loc.Col), vpath: indexRE.ReplaceAllString(f.Path, "[]"), sum: s.sum(f.Secret.Reveal())})
	}
	return out
}

// blobQueue hands the blobs the history walk finds to the scanner while
// the walk goes on: ids go to git cat-file, names wait for its answers,
// which come back in the same order.
type blobQueue struct {
	ids   chan string
	mu    sync.Mutex
	names []string
}

func newBlobQueue() *blobQueue { return &blobQueue{ids: make(chan string, 1024)} }

func (q *blobQueue) push(ctx context.Context, id, name string) error {
	q.mu.Lock()
	q.names = append(q.names, name)
	q.mu.Unlock()
	select {
	case q.ids <- id:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (q *blobQueue) name(seq int) string {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.names[seq]
}

// scanStream reads the queued blobs out of git once each and scans them
// in parallel until the queue is closed.
func (s *blobScanner) scanStream(ctx context.Context, repo *gitlog.Repo, q *blobQueue, max int64) ([]*blobResult, error) {
	// Blobs are queued in the order the walk numbered them, so the
	// position in the stream is the blob's index.
	type item struct {
		blob gitlog.Blob
		seq  int
		name string
	}
	var results []*blobResult
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	work := make(chan item, 2*s.workers)
	for range s.workers {
		g.Go(func() error {
			for it := range work {
				r, err := s.scanBlob(gctx, it.name, it.blob)
				if err != nil {
					return err
				}
				mu.Lock()
				if it.seq >= len(results) {
					results = append(results, make([]*blobResult, it.seq+1-len(results))...)
				}
				results[it.seq] = r
				mu.Unlock()
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(work)
		return repo.ReadBlobStream(gctx, q.ids, max, func(seq int, b gitlog.Blob) error {
			select {
			case work <- item{b, seq, q.name(seq)}:
				return nil
			case <-gctx.Done():
				return gctx.Err()
			}
		})
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return results, nil
}
