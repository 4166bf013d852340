package gitscan

import (
	"context"
	"fmt"
	"slices"

	"golang.org/x/sync/errgroup"

	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/source/gitlog"
)

// DefaultMaxBlobBytes bounds the file versions History reads: far above
// any real values file, small enough that a committed dump is skipped.
const DefaultMaxBlobBytes = 4 << 20

// Options select what History scans.
type Options struct {
	// Dir is a directory inside the repository.
	Dir string
	// Since, when set, limits the scan to commits after this revision;
	// secrets already in its tree are not reported.
	Since string
	// Branch is the ref whose history is scanned and whose tip decides
	// "still present" (default HEAD).
	Branch string
	// All scans every ref (branches, tags, remotes, stash); the tip is HEAD.
	All bool
	// Paths limit the scan to these pathspecs, relative to the repository
	// root; files they name exactly are scanned whatever their names.
	Paths []string
	// MaxBlobBytes skips larger file versions (default DefaultMaxBlobBytes).
	MaxBlobBytes int64
	// Workers parse in parallel (default GOMAXPROCS).
	Workers int
	// Config disables rules, overrides severities and allowlists findings
	// as for scan; nil means the defaults.
	Config *config.Config
}

// Result is the outcome of a history or staged scan.
type Result struct {
	// Repo is the repository's full path.
	Repo     string
	Findings []finding.Finding
	Notes    []string
	// Warnings are the notes that make a scan incomplete (a shallow
	// clone); the CLI also prints them on stderr, whatever the format.
	Warnings []string
	Stats    Stats
	// Provenance describes the scanned repository for SARIF.
	Provenance Provenance
}

// Stats count what a scan read.
type Stats struct {
	Commits  int // commits walked
	Versions int // distinct file versions read
	Skipped  int // versions not scanned (binary, too large, malformed)
	Removed  int // findings no longer at the tip
}

// Provenance identifies the scanned revision.
type Provenance struct {
	RepositoryURI string // origin URL without credentials; "" when none
	Revision      string
	Branch        string
}

// History scans every version of every values file and manifest in the
// selected history and reports each secret once, at the commit that
// introduced it.
func History(ctx context.Context, o Options, reg *rule.Registry) (*Result, error) {
	if o.All && o.Branch != "" {
		return nil, fmt.Errorf("%w: --all and --branch cannot be combined", gitlog.ErrRepository)
	}
	repo, err := gitlog.Open(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	w, err := newWalk(ctx, repo, o)
	if err != nil || w == nil {
		return emptyResult(repo, err)
	}
	bs, err := newBlobScanner(reg, o.Workers, o.Config)
	if err != nil {
		return nil, err
	}
	max := o.MaxBlobBytes
	if max <= 0 {
		max = DefaultMaxBlobBytes
	}
	// The walk and the scan overlap: git cat-file reads each new blob
	// while git log is still listing commits (newest first, so that it can
	// start at once; attribution reorders them).
	q := newBlobQueue()
	var results []*blobResult
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		results, err = bs.scanStream(gctx, repo, q, max)
		return err
	})
	g.Go(func() error {
		defer close(q.ids)
		w.found = func(id, name string) error { return q.push(gctx, id, name) }
		if err := repo.Log(gctx, gitlog.LogOptions{Revs: w.revs, Paths: o.Paths, NewestFirst: true}, w.addCommit); err != nil {
			return err
		}
		return w.addTrees(gctx, o.Paths)
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	slices.Reverse(w.commits)
	res := w.attribute(results)
	res.Repo = repo.Name
	res.Provenance = Provenance{RepositoryURI: repo.RemoteURL(ctx), Revision: w.tipID, Branch: w.branch}
	res.Notes = append(w.notes(results, res), res.Notes...)
	return res, nil
}

// emptyResult answers a repository without commits: nothing to scan is
// not an error, so a CI job on a new repository passes.
func emptyResult(repo *gitlog.Repo, err error) (*Result, error) {
	if err != nil {
		return nil, err
	}
	return &Result{Repo: repo.Name, Notes: []string{fmt.Sprintf("%s has no commits yet: nothing to scan", repo.Name)}}, nil
}
