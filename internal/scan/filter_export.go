package scan

import (
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Filter applies the inputs' config, inline airlock:ignore comments and
// baseline to findings, as Run does to its own. Callers that add findings
// from other checks (scan --render) filter the combined list with it, so
// suppressions and stale-baseline detection see every finding at once.
func Filter(fs []finding.Finding, in *Inputs) ([]finding.Finding, Suppression) {
	cfg := in.Config
	if cfg == nil {
		cfg = config.Default()
	}
	return filter(fs, append(append([]*yamltree.File(nil), in.Files...), in.Others...), cfg, in.Baseline)
}
