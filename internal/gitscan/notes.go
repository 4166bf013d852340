package gitscan

import (
	"fmt"
	"strings"
)

// notes tell the user what was read and what was not.
func (w *walk) notes(results []*blobResult, res *Result) []string {
	var out []string
	if w.repo.Shallow {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is a shallow clone: history before %d boundary commit(s) is missing, so secrets found there are reported as introduced by the boundary commit and older removed secrets are not seen; run `git fetch --unshallow` for a complete scan", w.repo.Name, len(w.boundary)))
		out = append(out, res.Warnings...)
	}
	if w.repo.Partial {
		// Reached only when every version needed was present locally.
		res.Warnings = append(res.Warnings, fmt.Sprintf("%s is a partial clone: every file version the scan needed was present, but a later scan may find some missing; clone without --filter", w.repo.Name))
		out = append(out, res.Warnings[len(res.Warnings)-1])
	}
	out = append(out, fmt.Sprintf("scanned %d commits of %s: %d distinct versions of values files and manifests", res.Stats.Commits, w.desc, res.Stats.Versions))
	for _, s := range []struct {
		why  skipReason
		what string
	}{
		{skipLarge, "larger than the size limit"},
		{skipBinary, "binary"},
		{skipMalformed, "not valid YAML"},
	} {
		n, examples := w.skipped(results, s.why)
		res.Stats.Skipped += n
		if n > 0 {
			out = append(out, fmt.Sprintf("%d file version(s) were %s and were not scanned: %s", n, s.what, strings.Join(examples, ", ")))
		}
	}
	if res.Stats.Removed > 0 {
		out = append(out, fmt.Sprintf("%d secret(s) were removed from %s but remain in the history of every clone: rotate them (deleting a line does not revoke a secret)", res.Stats.Removed, w.tipName()))
	}
	return out
}

// skipped counts the versions skipped for a reason among paths airlock
// would have scanned by name, with up to three "path (commit)" examples.
func (w *walk) skipped(results []*blobResult, why skipReason) (int, []string) {
	seen := map[int32]bool{}
	var examples []string
	for _, c := range w.commits {
		for _, ch := range c.changes {
			r := result(results, ch.blob)
			p := w.paths[ch.path]
			if r == nil || r.skip != why || seen[ch.blob] || !(byName(p) || w.explicit[p]) {
				continue
			}
			seen[ch.blob] = true
			if len(examples) < 3 {
				examples = append(examples, fmt.Sprintf("%s (commit %s)", displayPath(p), short(c.meta.ID)))
			}
		}
	}
	return len(seen), examples
}

func (w *walk) tipName() string {
	if w.tip == "" {
		return "HEAD"
	}
	return w.tip
}
