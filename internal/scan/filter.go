package scan

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"

	"github.com/airlockhq/airlock/internal/baseline"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Suppression says why findings were dropped, for the summary.
type Suppression struct {
	Inline, Allowlist, Baseline, Disabled int
	// Stale baseline entries matched no finding: the secret was fixed or
	// changed, and the entry can go.
	Stale []baseline.Entry
}

var ignoreRE = regexp.MustCompile(`#\s*airlock:ignore(?:[ \t]+([A-Za-z0-9*][A-Za-z0-9,*-]*))?(?:[ \t]+--[ \t]*(.*))?`)

// filter applies, in order: disabled rules and severity overrides from the
// config, inline "# airlock:ignore" comments, allowlists, the baseline.
func filter(fs []finding.Finding, files []*yamltree.File, cfg *config.Config, base *baseline.File) ([]finding.Finding, Suppression) {
	var s Suppression
	lines := fileLines(files)
	var out []finding.Finding
	for _, f := range fs {
		switch {
		case f.Suppressed:
			s.Inline++
			continue
		case cfg.Disabled[f.RuleID]:
			s.Disabled++
			continue
		case ignoredInline(lines[f.Loc.File], f):
			s.Inline++
			continue
		case allowlisted(cfg, f):
			s.Allowlist++
			continue
		}
		if sev, ok := cfg.Severity[f.RuleID]; ok {
			f.Severity = sev
		}
		out = append(out, f)
	}
	if base != nil {
		var kept []finding.Finding
		kept, s.Stale = base.Apply(out)
		s.Baseline = len(out) - len(kept)
		out = kept
	}
	return out, s
}

func fileLines(files []*yamltree.File) map[string][][]byte {
	m := map[string][][]byte{}
	for _, f := range files {
		if bytes.Contains(f.Bytes, []byte("airlock:ignore")) {
			m[f.Src.Name] = bytes.Split(f.Bytes, []byte("\n"))
		}
	}
	return m
}

// ignoredInline honours "# airlock:ignore [rule-id[,rule-id]] [-- reason]"
// on the finding's line or the line above it.
func ignoredInline(lines [][]byte, f finding.Finding) bool {
	if lines == nil || f.Loc.IsZero() {
		return false
	}
	for _, n := range []int{f.Loc.Line, f.Loc.Line - 1} {
		if n < 1 || n > len(lines) {
			continue
		}
		m := ignoreRE.FindSubmatch(lines[n-1])
		if m == nil {
			continue
		}
		if n == f.Loc.Line-1 && !bytes.HasPrefix(bytes.TrimSpace(lines[n-1]), []byte("#")) {
			continue // a trailing comment on the line above belongs to that line
		}
		ids := string(m[1])
		if ids == "" || ids == "*" || ids == "all" {
			return true
		}
		for _, id := range strings.Split(ids, ",") {
			if id == f.RuleID || id == string(f.Class) {
				return true
			}
		}
	}
	return false
}

func allowlisted(cfg *config.Config, f finding.Finding) bool {
	if !f.Loc.IsZero() && cfg.AllowsFile(f.Loc.File) {
		return true
	}
	if len(cfg.AllowPaths) > 0 {
		if p, err := yamltree.ParsePath(f.Path); err == nil {
			for _, pat := range cfg.AllowPaths {
				if yamltree.Path(p).Match(pat) {
					return true
				}
			}
		}
	}
	for _, re := range cfg.AllowValues {
		if re.MatchString(f.Secret.Reveal()) {
			return true
		}
	}
	return false
}

// Notes renders a suppression summary for users.
func (s Suppression) Notes() []string {
	var notes []string
	if n := s.Inline + s.Allowlist + s.Baseline + s.Disabled; n > 0 {
		notes = append(notes, fmt.Sprintf("%d findings suppressed (%d inline airlock:ignore, %d allowlist, %d baseline, %d disabled rules)",
			n, s.Inline, s.Allowlist, s.Baseline, s.Disabled))
	}
	for _, e := range s.Stale {
		notes = append(notes, fmt.Sprintf("stale baseline entry: %s at %s no longer matches a finding (fixed?); regenerate the baseline to drop it", e.RuleID, e.ValuesPath))
	}
	return notes
}
