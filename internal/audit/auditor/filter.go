package auditor

import (
	"fmt"
	"regexp"

	"github.com/airlockhq/airlock/internal/audit"
)

// filter applies the config to cluster findings as scan applies it to
// values findings (release findings were filtered by the scan engine
// already): disabled rules, severity overrides and allowlisted values.
func (a *run) filter() {
	cfg := a.o.Config
	kept := a.res.Findings[:0]
	dropped := 0
	for _, f := range a.res.Findings {
		if cfg.Disabled[f.RuleID] || allowlisted(cfg.AllowValues, f) {
			dropped++
			continue
		}
		if sev, ok := cfg.Severity[f.RuleID]; ok && f.Check != audit.ReleaseHistory {
			f.Severity = sev
		}
		kept = append(kept, f)
	}
	a.res.Findings = kept
	if dropped > 0 {
		a.note(fmt.Sprintf("%d findings suppressed by %s (disabled rules or allowlisted values)", dropped, cfg.Path))
	}
}

// allowlisted matches the secret against the config's allowlisted value
// patterns; the plaintext is only compared, never kept.
func allowlisted(res []*regexp.Regexp, f audit.Finding) bool {
	if f.Secret.IsZero() {
		return false
	}
	for _, re := range res {
		if re.MatchString(f.Secret.Reveal()) {
			return true
		}
	}
	return false
}
