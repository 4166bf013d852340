package gitscan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/airlockhq/airlock/internal/finding"
)

// identity is "the same secret": the same value (keyed hash) at the same
// values path of the same file, following renames. List indices are left
// out of the path, since removing an earlier entry shifts the rest, and so
// is the rule: a change elsewhere in a file can change which rule speaks
// for a scalar, and neither makes it another secret.
type identity struct {
	lineage int32
	vpath   string
	sum     [16]byte
}

// attribute walks the commits oldest first and keeps, for each identity,
// the first commit that wrote it; then marks what the tip still holds.
func (w *walk) attribute(results []*blobResult) *Result {
	res := &Result{Stats: Stats{Commits: w.walked}}
	old := map[identity]bool{}
	w.each(w.oldFiles, results, func(_ change, k identity, _ hit) { old[k] = true })
	found := map[identity]*finding.Finding{}
	var order []identity
	for _, c := range w.commits {
		for _, ch := range c.changes {
			counted := map[identity]bool{}
			w.each([]change{ch}, results, func(ch change, k identity, h hit) {
				if old[k] || counted[k] {
					return
				}
				counted[k] = true
				if f := found[k]; f != nil {
					f.History.Commits++
					return
				}
				f := h.finding()
				f.Loc.File = displayPath(w.paths[ch.path])
				f.Origin = "history"
				f.History = &finding.History{Introduced: c.meta, Commits: 1, Boundary: w.boundary[c.meta.ID]}
				found[k] = &f
				order = append(order, k)
			})
		}
	}
	w.each(w.tipFiles, results, func(ch change, k identity, h hit) {
		if f := found[k]; f != nil && !f.History.AtHead {
			f.History.AtHead = true
			f.History.Head = h.finding().Loc
			f.History.Head.File = displayPath(w.paths[ch.path])
		}
	})
	for _, k := range order {
		f := found[k]
		f.Fingerprint = historyFingerprint(f)
		if !f.History.AtHead {
			res.Stats.Removed++
		}
		res.Findings = append(res.Findings, *f)
	}
	finding.Sort(res.Findings)
	for _, r := range results {
		if r != nil && r.skip == scanned {
			res.Stats.Versions++
		}
	}
	return res
}

// result is the scan of blob i; nil when it was not read.
func result(results []*blobResult, i int32) *blobResult {
	if int(i) < len(results) {
		return results[i]
	}
	return nil
}

// each calls fn for every hit in the qualifying, scanned versions of
// changes.
func (w *walk) each(changes []change, results []*blobResult, fn func(change, identity, hit)) {
	for _, ch := range changes {
		r := result(results, ch.blob)
		if r == nil || r.skip != scanned || !w.qualifies(ch.path, r) {
			continue
		}
		lin := w.lineage(ch.path)
		for _, h := range r.hits {
			fn(ch, identity{lineage: lin, vpath: h.vpath, sum: h.sum}, h)
		}
	}
}

// historyFingerprint is stable across runs and line moves and never
// encodes the secret: rule, file, values path and introducing commit (two
// secrets written at the same place at different times stay apart).
func historyFingerprint(f *finding.Finding) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00history\x00%s", f.RuleID, f.Loc.File, f.Path, f.History.Introduced.ID)
	return hex.EncodeToString(h.Sum(nil))[:32]
}

// displayPath shows a repository path as text: unchanged when it is
// UTF-8, else with each invalid byte (and "%") percent-encoded, which is
// readable, reversible and a valid URI path for SARIF.
func displayPath(p string) string {
	if utf8.ValidString(p) {
		return p
	}
	var b strings.Builder
	for len(p) > 0 {
		r, n := utf8.DecodeRuneInString(p)
		switch {
		case r == utf8.RuneError && n <= 1, r == '%':
			fmt.Fprintf(&b, "%%%02X", p[0])
		default:
			b.WriteString(p[:n])
		}
		p = p[n:]
	}
	return b.String()
}
