package fix

import (
	"context"

	"github.com/airlockhq/airlock/internal/scan"
)

// Prepared is everything Run computes before it writes: the scan, the plan
// and the values files' new bytes.
type Prepared struct {
	*Result
	Inputs *scan.Inputs
	Scan   *scan.Result
}

// Prepare scans, plans and applies the edits in memory, exactly as Run
// does, and writes nothing. existing supplies previously generated values
// (Secret name → key → value) and exclude leaves values paths to the
// caller (each becomes a Skip with the given reason). Options.Out and
// Target are not used. airlock externalize builds on it to put the values
// in a secret manager instead of files.
func Prepare(ctx context.Context, o Options, existing map[string]map[string]string, exclude map[string]string) (*Prepared, error) {
	o.DryRun = true
	if err := o.validate(); err != nil {
		return nil, err
	}
	return prepare(ctx, o, existing, exclude)
}

// WriteValues replaces each changed values file atomically, keeping its
// mode, and refuses a file that changed since it was read.
func (r *Result) WriteValues() error {
	for _, f := range r.Files {
		if err := replaceValues(f); err != nil {
			return err
		}
	}
	return nil
}
