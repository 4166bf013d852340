package fix

import (
	"context"
	"errors"
	"strings"

	"github.com/airlockhq/airlock/internal/fix/plan"
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
	in, err := scan.Load(ctx, scan.LoadOptions{Values: o.Values, Chart: o.Chart})
	if err != nil {
		return nil, err
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		return nil, err
	}
	res, err := scan.Run(ctx, in, reg)
	if err != nil {
		return nil, err
	}
	ex := map[string]string{}
	for k, v := range exclude {
		ex[k] = v
	}
	var p *plan.Plan
	var changes []FileChange
	for range 8 {
		p, err = plan.Build(in, res, plan.Options{Prefix: o.Prefix, Existing: existing, Exclude: ex, Rand: o.Rand})
		if err != nil {
			return nil, err
		}
		var refused map[string]string
		if changes, refused = applyAll(in, p); len(refused) == 0 {
			break
		}
		for k, v := range refused {
			ex[k] = v
		}
		p = nil
	}
	if p == nil {
		return nil, errors.New("fix: the plan did not settle; please report this values layout")
	}
	r := &Result{Plan: p, Files: changes}
	for _, f := range res.Findings {
		if !f.Loc.IsZero() {
			r.Secrets = append(r.Secrets, f.Secret.Reveal())
		}
	}
	for _, m := range p.Moves {
		if s := p.Secret(m.Secret); s != nil && !m.Finding.Loc.IsZero() && !m.Generated {
			for _, k := range strings.Fields(m.Key) {
				if it, ok := s.Get(k); ok {
					r.Secrets = append(r.Secrets, it.Value.Reveal())
				}
			}
		}
	}
	return &Prepared{Result: r, Inputs: in, Scan: res}, nil
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
