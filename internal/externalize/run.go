package externalize

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/airlockhq/airlock/internal/externalize/remote"
	"github.com/airlockhq/airlock/internal/fix"
	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/fix/plan"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// handled is the Skip reason fix records for the paths a style takes.
const handled = "handled by airlock externalize"

// Result is what a run did (or, with DryRun, would do).
type Result struct {
	// Plan is fix's plan for what goes the eso way (Kubernetes Secrets
	// created by ExternalSecrets).
	Plan *plan.Plan
	// Moves are the values paths the style serves directly.
	Moves []Move
	// Skipped are findings left in the values, with the reason.
	Skipped []plan.Skip
	// Secrets are what the manager holds (values redacted in any output).
	Secrets []*remote.Secret
	// Files are the values files' changes.
	Files   []fix.FileChange
	Outputs []Output
	// Push is the outcome of --push (nil without it).
	Push  *remote.Report
	Notes []string
	masks []string
}

// Diff renders the values changes as a unified diff with every secret
// masked.
func (r *Result) Diff() string {
	return (&fix.Result{Files: r.Files, Secrets: r.masks}).Diff()
}

// Run performs the externalization.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	fo := fix.Options{Values: o.Values, Chart: o.Chart, Prefix: o.Prefix, Rand: o.Rand}
	first, err := fix.Prepare(ctx, fo, nil, nil)
	if err != nil {
		return nil, wrapUsage(err)
	}
	c := newClaims(&o, first)
	if err := c.serviceAccount(); err != nil {
		return nil, err
	}
	if err := c.claim(); err != nil {
		return nil, err
	}
	prep := first
	if len(c.paths) > 0 {
		exclude := map[string]string{}
		for p := range c.paths {
			exclude[p] = handled
		}
		if prep, err = fix.Prepare(ctx, fo, nil, exclude); err != nil {
			return nil, wrapUsage(err)
		}
		c.prep = prep
	}
	r := &Result{Plan: prep.Plan, Moves: c.moves, masks: append(slices.Clone(prep.Result.Secrets), c.masks...)}
	for _, s := range prep.Plan.Skipped {
		if s.Reason != handled {
			r.Skipped = append(r.Skipped, s)
		}
	}
	c.keepSyncing()
	if err := c.finish(ctx, r); err != nil {
		return nil, err
	}
	return r, o.deliver(ctx, r)
}

// claim takes the paths the style serves directly.
func (c *claims) claim() error {
	if c.o.Mode == ModeESO {
		return nil
	}
	if c.o.Mode == ModeBackend && c.optionSet("AIRFLOW__SECRETS__BACKEND") {
		return fmt.Errorf("%w: a secrets backend is already configured (AIRFLOW__SECRETS__BACKEND in airflow.config or airflow.extraEnv); airflow-backend mode would replace it", ErrUsage)
	}
	for _, s := range c.singles() {
		if err := c.claimSingle(s); err != nil {
			return err
		}
	}
	return c.claimLists()
}

// keepSyncing turns the chart's *Update settings on for the lists whose
// templates now read Kubernetes Secrets that ExternalSecrets refresh: the
// sync Deployment re-reads a template file when its Secret changes, so a
// value rotated in the manager reaches Airflow without a helm upgrade.
func (c *claims) keepSyncing() {
	for comp, key := range map[string]string{plan.CompUsers: "usersUpdate", plan.CompConnections: "connectionsUpdate", plan.CompVariables: "variablesUpdate"} {
		if c.prep.Plan.Secret(c.o.Prefix+"-"+comp) == nil {
			continue
		}
		n := c.get("airflow." + key)
		if n == nil || n.Truthy() {
			continue
		}
		file := c.ed.last()
		if n.FromUser() {
			file = n.Src.Name
		}
		c.ed.mergeAt(file, "airflow", edit.Map(key, edit.Plain("true")))
		c.note("airflow.%s was false; it is now true so that values rotated in the secret manager reach Airflow (ExternalSecret refresh, then the chart's sync Deployment).", key)
	}
}

// originals maps each values file to its bytes as read.
func (c *claims) originals() map[string][]byte {
	out := map[string][]byte{}
	for _, f := range c.prep.Inputs.Files {
		out[f.Src.Name] = f.Bytes
	}
	return out
}

// serviceAccount resolves the Airflow ServiceAccount the chart runs pods
// as (airflow.serviceAccountName in the chart's helpers).
func (c *claims) serviceAccount() error {
	if c.o.ServiceAccount != "" {
		return nil
	}
	name := strings.TrimSpace(c.get("serviceAccount.name").Text())
	switch {
	case name != "":
	case c.get("serviceAccount.create").Truthy() || c.get("serviceAccount.create") == nil:
		name = c.o.Release
	default:
		name = "default"
	}
	if !dnsLabel.MatchString(name) {
		return fmt.Errorf("%w: serviceAccount.name %q is not a valid ServiceAccount name", ErrUsage, name)
	}
	c.o.ServiceAccount = name
	return nil
}

// wrapUsage marks input errors (a values file that does not parse, an edit
// that is refused) for exit code 2.
func wrapUsage(err error) error {
	var re *edit.Refusal
	if errors.Is(err, yamltree.ErrInvalid) || errors.As(err, &re) || errors.Is(err, fix.ErrUsage) {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	return err
}
