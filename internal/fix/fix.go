package fix

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/airlockhq/airlock/internal/fix/edit"
	"github.com/airlockhq/airlock/internal/fix/manifest"
	"github.com/airlockhq/airlock/internal/fix/plan"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/yamltree"
)

// Target is what fix writes for the Secrets.
type Target string

// Targets.
const (
	TargetSecret         Target = "secret"
	TargetExternalSecret Target = "external-secret"
)

// Options are the inputs of one fix run.
type Options struct {
	Values []string // -f files in Helm order
	Chart  string   // --chart; built-in defaults when empty
	DryRun bool
	Target Target
	Prefix string
	// Out is the directory for Secret manifests (target secret) or
	// ExternalSecret/SecretStore manifests (target external-secret).
	Out string
	// SecretsFile receives the values to load into the secret manager
	// (target external-secret); default Out/secret-manager-values.yaml.
	SecretsFile string
	AllowInRepo bool
	Namespace   string
	Store       manifest.Store
	// Rand overrides crypto/rand for generated values (tests only).
	Rand io.Reader
}

// ErrUsage marks invalid options (exit code 2 in the CLI).
var ErrUsage = errors.New("invalid usage")

// Result is what a run did (or, with DryRun, would do).
type Result struct {
	Plan    *plan.Plan
	Files   []FileChange
	Outputs []Output
	// Secrets are every secret value known to the run (moved, generated
	// and not fixed), for masking diffs. Never print them.
	Secrets []string
}

// FileChange is one values file's old and new bytes.
type FileChange struct {
	Name          string
	Before, After []byte
}

// Output is a file fix writes.
type Output struct {
	Path  string
	Mode  os.FileMode
	What  string // e.g. "Secret airflow-database (postgresql-password)"
	data  []byte
	Wrote bool
}

// Run performs the fix.
func Run(ctx context.Context, o Options) (*Result, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	existing, err := o.existing()
	if err != nil {
		return nil, err
	}
	pr, err := prepare(ctx, o, existing, nil)
	if err != nil {
		return nil, err
	}
	r, p := pr.Result, pr.Plan
	if r.Outputs, err = o.outputs(p, existing); err != nil {
		return nil, err
	}
	if o.DryRun || p.Empty() {
		return r, nil
	}
	if err := o.checkLocations(r.Outputs); err != nil {
		return nil, err
	}
	return r, r.write()
}

// prepare scans, plans and applies the edits in memory; Run and Prepare
// share it so that externalize sees exactly what fix would do.
func prepare(ctx context.Context, o Options, existing map[string]map[string]string, exclude map[string]string) (*Prepared, error) {
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
	p, changes, err := planAndEdit(in, res, o, existing, exclude)
	if err != nil {
		return nil, err
	}
	r := &Result{Plan: p, Files: changes}
	for _, f := range res.Findings {
		if !f.Loc.IsZero() {
			r.Secrets = append(r.Secrets, f.Secret.Reveal())
		}
	}
	for _, m := range p.Moves {
		// The whole literal moved (a URL, a JSON text), not only the part
		// the scan reported.
		if !m.Finding.Loc.IsZero() && !m.Generated {
			if s := p.Secret(m.Secret); s != nil {
				for _, k := range strings.Fields(m.Key) {
					if it, ok := s.Get(k); ok {
						r.Secrets = append(r.Secrets, it.Value.Reveal())
					}
				}
			}
		}
	}
	return &Prepared{Result: r, Inputs: in, Scan: res}, nil
}

func (o *Options) validate() error {
	if len(o.Values) == 0 {
		return fmt.Errorf("%w: no values files: pass at least one -f FILE", ErrUsage)
	}
	for _, v := range o.Values {
		if v == "-" {
			return fmt.Errorf("%w: fix rewrites values files in place and cannot read them from standard input", ErrUsage)
		}
	}
	if o.Target == "" {
		o.Target = TargetSecret
	}
	if o.Target != TargetSecret && o.Target != TargetExternalSecret {
		return fmt.Errorf("%w: --target must be secret or external-secret, not %q", ErrUsage, o.Target)
	}
	if o.Prefix == "" {
		o.Prefix = plan.DefaultPrefix
	}
	if !prefixRE.MatchString(o.Prefix) {
		return fmt.Errorf("%w: --secret-prefix %q is not a valid Kubernetes name prefix (lower-case letters, digits, dashes)", ErrUsage, o.Prefix)
	}
	if o.Out == "" && !o.DryRun {
		return fmt.Errorf("%w: --out DIR is required (where the %s manifests go); use --dry-run to preview", ErrUsage, o.Target)
	}
	return nil
}

// planAndEdit plans and applies the edits in memory. A file that refuses
// an edit drops the values paths that needed it (they become Skipped with
// the reason) and the plan is rebuilt, so the other fixes still apply and
// the refused file keeps its bytes where nothing else changes it.
func planAndEdit(in *scan.Inputs, res *scan.Result, o Options, existing map[string]map[string]string, callerExclude map[string]string) (*plan.Plan, []FileChange, error) {
	exclude := map[string]string{}
	for k, v := range callerExclude {
		exclude[k] = v
	}
	for range 8 {
		p, err := plan.Build(in, res, plan.Options{Prefix: o.Prefix, Existing: existing, Exclude: exclude, Rand: o.Rand})
		if err != nil {
			return nil, nil, err
		}
		changes, refused := applyAll(in, p)
		if len(refused) == 0 {
			return p, changes, nil
		}
		for k, v := range refused {
			exclude[k] = v
		}
	}
	return nil, nil, errors.New("fix: the plan did not settle; please report this values layout")
}

// applyAll runs each file's ops; it returns the new bytes, or the groups
// that a file refused with the refusal message.
func applyAll(in *scan.Inputs, p *plan.Plan) ([]FileChange, map[string]string) {
	byName := map[string]*yamltree.File{}
	for _, f := range in.Files {
		byName[f.Src.Name] = f
	}
	var changes []FileChange
	refused := map[string]string{}
	for _, fe := range p.Files {
		src := byName[fe.File]
		doc, err := edit.Parse(fe.File, src.Bytes)
		if err != nil {
			blame(refused, fe, nil, err)
			continue
		}
		out, err := doc.Apply(fe.Ops)
		if err == nil {
			changes = append(changes, FileChange{Name: fe.File, Before: src.Bytes, After: out})
			continue
		}
		// Find the ops that fail on their own; if none does, they only
		// fail together and every group of the file is dropped.
		var culprits []int
		for i, op := range fe.Ops {
			if _, e := doc.Apply([]edit.Op{op}); e != nil {
				culprits = append(culprits, i)
				blame(refused, fe, []int{i}, e)
			}
		}
		if len(culprits) == 0 {
			blame(refused, fe, nil, err)
		}
	}
	return changes, refused
}

func blame(refused map[string]string, fe *plan.FileEdit, ops []int, err error) {
	if ops == nil {
		for i := range fe.Ops {
			ops = append(ops, i)
		}
	}
	for _, i := range ops {
		for _, g := range fe.Owners[i] {
			refused[g] = "the values file cannot be edited safely: " + err.Error()
		}
	}
}
