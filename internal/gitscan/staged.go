package gitscan

import (
	"context"
	"fmt"
	"path"

	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/gitlog"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// StagedOptions select what Staged scans.
type StagedOptions struct {
	Dir string
	// Paths limit the scan to these pathspecs (relative to the repository
	// root); files they name exactly are scanned whatever their names.
	Paths []string
	// Base carries the chart defaults, family, limits and config that each
	// staged file is judged with; its Files and Others are ignored.
	Base scan.Inputs
	// MaxBlobBytes skips larger files (default DefaultMaxBlobBytes).
	MaxBlobBytes int64
}

// Staged scans what is staged for the next commit: the index version of
// each added, copied, modified or renamed values file and manifest, not
// the work tree. Each file is scanned on its own with the full scan rules
// (a chart default restated in the file is reported), but without
// inheriting defaults, which a file alone cannot be blamed for.
func Staged(ctx context.Context, o StagedOptions, reg *rule.Registry) (*Result, error) {
	repo, err := gitlog.Open(ctx, o.Dir)
	if err != nil {
		return nil, err
	}
	if repo.Bare {
		return nil, fmt.Errorf("%w: %s is a bare repository: it has no index to scan", gitlog.ErrRepository, repo.Name)
	}
	explicit := map[string]bool{}
	for _, p := range o.Paths {
		explicit[path.Clean(p)] = true
	}
	changes, err := repo.Staged(ctx, o.Paths)
	if err != nil {
		return nil, err
	}
	var ids []string
	names := map[string][]string{}
	for _, c := range changes {
		if c.Regular() && (isYAML(c.Path) || explicit[c.Path]) {
			if names[c.Blob] == nil {
				ids = append(ids, c.Blob)
			}
			names[c.Blob] = append(names[c.Blob], c.Path)
		}
	}
	max := o.MaxBlobBytes
	if max <= 0 {
		max = DefaultMaxBlobBytes
	}
	res := &Result{Repo: repo.Name}
	err = repo.ReadBlobs(ctx, ids, max, func(b gitlog.Blob) error {
		for _, p := range names[b.ID] {
			if err := scanStaged(ctx, p, b, explicit[p], o.Base, reg, res); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	finding.Sort(res.Findings)
	res.Notes = append([]string{fmt.Sprintf("scanned %d staged file(s)", res.Stats.Versions)}, res.Notes...)
	return res, nil
}

func scanStaged(ctx context.Context, p string, b gitlog.Blob, explicit bool, base scan.Inputs, reg *rule.Registry, res *Result) error {
	named := byName(p) || explicit
	switch {
	case b.TooLarge || isBinary(b.Data):
		if named {
			res.Stats.Skipped++
			res.Notes = append(res.Notes, fmt.Sprintf("%s: binary or larger than %d bytes: not scanned", displayPath(p), DefaultMaxBlobBytes))
		}
		return nil
	}
	lim := base.Limits
	if lim.MaxBytes == 0 {
		lim = yamltree.DefaultLimits
	}
	f, err := yamltree.Parse(&yamltree.Source{Name: displayPath(p), Kind: yamltree.User}, b.Data, lim)
	if err != nil {
		// A broken values file must not slip into a commit unnoticed; other
		// YAML (a chart template, say) is not ours to judge.
		if valuesName(p) || explicit {
			return err
		}
		return nil
	}
	if !named && !byContent(f) {
		return nil
	}
	in := base
	in.Files, in.Others, in.Limits = []*yamltree.File{f}, nil, lim
	out, err := scan.Run(ctx, &in, reg)
	if err != nil {
		return err
	}
	res.Stats.Versions++
	res.Notes = append(res.Notes, out.Notes...)
	for _, fd := range out.Findings {
		if !fd.Loc.IsZero() { // inherited defaults are not this file's doing
			res.Findings = append(res.Findings, fd)
		}
	}
	return nil
}
