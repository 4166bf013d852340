package detect

import (
	"strings"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
	"github.com/rs/zerolog"
	gitleaks "github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
)

// The gitleaks rule set is airlock's catalogue of provider token formats:
// ~200 maintained rules with keywords, entropy thresholds and allowlists,
// used as a library rather than re-typed here. airlock brings what gitleaks
// lacks (the YAML structure, key names, the chart), so gitleaks' generic
// "key = value" rule is left out: airlock judges key context itself. So is
// the AWS access key id rule: the id names a key pair (the scan contract
// counts IDs as non-secrets); its secret half is what airlock reports.
var skippedGitleaksRules = map[string]bool{"generic-api-key": true, "aws-access-token": true}

// The compiled rule set is immutable once built and costs ~30 ms to build,
// so it is built at most once per process, on first use.
var (
	gitleaksOnce sync.Once
	gitleaksDet  *gitleaks.Detector
	gitleaksKeys *ahocorasick.Trie
	gitleaksErr  error
)

// loadGitleaks builds the detector once per process: compiling 200
// regexes costs ~30 ms, and the detector is safe to reuse.
func loadGitleaks() (*gitleaks.Detector, error) {
	gitleaksOnce.Do(func() {
		// gitleaks logs through a package-level zerolog logger; airlock's
		// output must stay clean (and never echo a secret), so silence it.
		logging.Logger = zerolog.Nop()
		d, err := gitleaks.NewDetectorDefaultConfig()
		if err != nil {
			gitleaksErr = err
			return
		}
		for id := range skippedGitleaksRules {
			delete(d.Config.Rules, id)
		}
		d.Config.OrderedRules = nil
		var keywords []string
		for _, r := range d.Config.GetOrderedRules() {
			d.Config.OrderedRules = append(d.Config.OrderedRules, r.RuleID)
			for _, k := range r.Keywords {
				keywords = append(keywords, strings.ToLower(k))
			}
		}
		// Every kept rule has keywords (gitleaks requires one to match
		// before it tries a rule), so a value containing none of them
		// cannot match: checking that first spares the per-call cost of
		// the detector on almost every value.
		gitleaksKeys = ahocorasick.NewTrieBuilder().AddStrings(keywords).Build()
		gitleaksDet = d
	})
	return gitleaksDet, gitleaksErr
}

// gitleaksCandidate skips values no provider format can match: short,
// spaced prose, or plain words. Most scalars in values files are such, and
// skipping them keeps the library off the hot path.
func gitleaksCandidate(v string) bool {
	if len(v) < 16 {
		return false
	}
	if strings.Contains(v, "\n") {
		return true
	}
	digits := 0
	for i := 0; i < len(v); i++ {
		if c := v[i]; c >= '0' && c <= '9' {
			digits++
		}
	}
	return digits > 0 || len(v) >= 32
}

// GitleaksToken runs the gitleaks rule set on a value and returns the
// first secret it finds with the gitleaks rule id.
func GitleaksToken(v string) (secret, ruleID string, ok bool) {
	if !gitleaksCandidate(v) {
		return "", "", false
	}
	d, err := loadGitleaks()
	if err != nil || d == nil {
		return "", "", false
	}
	if gitleaksKeys.MatchFirstString(strings.ToLower(v)) == nil {
		return "", "", false
	}
	// DetectString only reads the compiled rules (its byte counter is
	// atomic), so files scanned in parallel can share the detector.
	fs := d.DetectString(v)
	for _, f := range fs {
		if skippedGitleaksRules[f.RuleID] || f.Secret == "" || NotSecret(f.Secret) {
			continue
		}
		return f.Secret, f.RuleID, true
	}
	return "", "", false
}
