package cli

import (
	"errors"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/fix"
	"github.com/airlockhq/airlock/internal/fix/plan"
)

func newFixCmd(stdio IO) *cobra.Command {
	var o fix.Options
	var target string
	cmd := &cobra.Command{
		Use:   "fix -f values.yaml [-f values-prod.yaml ...] --out DIR",
		Short: "Move hardcoded secrets and insecure defaults out of Helm values into Kubernetes Secrets",
		Long: `fix rewrites the values files so that every hardcoded secret and insecure chart
default airlock knows how to fix is read from a Kubernetes Secret, the airflow-helm
chart's own way (passwordSecret, existingSecret, *Templates with ${VAR}, extraEnv with
secretKeyRef, dags.gitSync.httpSecret, flower.basicAuthSecret), and writes the Secrets:

  --target secret           Secret manifests (mode 0600) in --out, outside the git work
                            tree unless --allow-in-repo
  --target external-secret  ExternalSecret manifests and a SecretStore skeleton in --out
                            (no secret values: safe to commit) and the values to load into
                            the secret manager in --secrets-file (mode 0600)

Public defaults (fernet key, webserver key, admin/admin, database and Redis passwords) get
freshly generated values. Edits change only the edited spans of each file; --dry-run
prints a diff with secrets masked and writes nothing. Running fix again changes nothing.

Exit codes: 0 everything fixed (or nothing to fix), 1 findings left unfixed (listed with
the reason), 2 bad usage or input, 3 runtime error.`,
		Example: `  airlock fix -f values.yaml --dry-run
  airlock fix -f values.yaml -f values-prod.yaml --chart ./charts/airflow --out ~/airflow-secrets
  airlock fix -f values.yaml --target external-secret --out deploy/eso --secrets-file ~/airflow-secret-values.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Target = fix.Target(target)
			return runFix(cmd, stdio, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.Values, "values", "f", nil, "values file in Helm order (repeatable)")
	f.StringVar(&o.Chart, "chart", "", "chart directory or .tgz whose values.yaml supplies the defaults (default: built-in airflow-helm 8.x catalog)")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the diff (secrets masked) and what would be written; change nothing")
	f.StringVar(&target, "target", string(fix.TargetSecret), "what to write: secret or external-secret")
	f.StringVar(&o.Prefix, "secret-prefix", plan.DefaultPrefix, "prefix of the Secret names (<prefix>-database, <prefix>-fernet-key, ...)")
	f.StringVar(&o.Out, "out", "", "directory for the Secret or ExternalSecret manifests")
	f.StringVar(&o.SecretsFile, "secrets-file", "", "external-secret: file for the values to load into the secret manager (default OUT/secret-manager-values.yaml)")
	f.BoolVar(&o.AllowInRepo, "allow-in-repo", false, "allow writing files with secret values inside a git work tree")
	f.StringVar(&o.Namespace, "namespace", "", "namespace to set on the written manifests (default: none, the apply-time namespace)")
	f.StringVar(&o.Store.Name, "secret-store", "", "external-secret: name of the SecretStore (default <prefix>-secret-store)")
	f.StringVar(&o.Store.Kind, "secret-store-kind", "SecretStore", "external-secret: SecretStore or ClusterSecretStore")
	return cmd
}

func runFix(cmd *cobra.Command, stdio IO, o fix.Options) error {
	res, err := fix.Run(cmd.Context(), o)
	switch {
	case errors.Is(err, fix.ErrUsage):
		return usageError{err}
	case err != nil:
		return err
	}
	if o.DryRun {
		fmt.Fprint(stdio.Out, res.Diff())
	}
	printFixSummary(stdio.Out, res, o.DryRun)
	if n := len(res.Plan.Skipped); n > 0 {
		// Exit 1 like scan: findings remain, each listed with its reason.
		fmt.Fprintf(stdio.Err, "airlock: %d finding(s) not fixed; see \"Not fixed\" above\n", n)
		return errFindings
	}
	return nil
}

func printFixSummary(w io.Writer, res *fix.Result, dry bool) {
	p := res.Plan
	verb := map[bool]string{true: "would ", false: ""}[dry]
	if len(p.Moves) == 0 && len(p.Skipped) == 0 {
		fmt.Fprintln(w, "Nothing to fix: no hardcoded secret or insecure default that airlock can move.")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(p.Moves) > 0 {
		fmt.Fprintf(tw, "%sfix:\n", map[bool]string{true: "Would ", false: "Fixed, "}[dry])
	}
	for _, m := range p.Moves {
		dest := "removed (unused)"
		if m.Secret != "" {
			dest = fmt.Sprintf("→ Secret %s key %s", m.Secret, m.Key)
			if m.Generated {
				dest += " (new generated value)"
			}
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", where(m.Finding.Loc.File, m.Finding.Loc.Line), m.Finding.Path, dest, m.Via)
	}
	if len(p.Skipped) > 0 {
		fmt.Fprintf(tw, "Not fixed (left untouched):\n")
	}
	for _, s := range p.Skipped {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", where(s.Finding.Loc.File, s.Finding.Loc.Line), s.Finding.Path, s.Reason)
	}
	tw.Flush()
	for _, f := range res.Files {
		fmt.Fprintf(w, "%supdate %s\n", capital(verb), f.Name)
	}
	for _, o := range res.Outputs {
		fmt.Fprintf(w, "%swrite %s (mode %04o): %s\n", capital(verb), o.Path, o.Mode.Perm(), o.What)
	}
	for _, n := range p.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
}

func where(file string, line int) string {
	if file == "" {
		return "(chart default)"
	}
	return fmt.Sprintf("%s:%d", file, line)
}

func capital(s string) string {
	if s == "" {
		return ""
	}
	return string(s[0]-'a'+'A') + s[1:]
}
