package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/externalize"
	"github.com/airlockhq/airlock/internal/externalize/layout"
	"github.com/airlockhq/airlock/internal/fix/plan"
)

func newExternalizeCmd(stdio IO) *cobra.Command {
	var o externalize.Options
	var provider, mode string
	cmd := &cobra.Command{
		Use:   "externalize -f values.yaml --provider vault|aws|gcp|azure --mode eso|vault-agent|airflow-backend --out DIR",
		Short: "Move the deployment's secrets into an external secret manager (Vault, AWS, GCP, Azure)",
		Long: `externalize takes the secrets out of the Helm values into a secret manager, in one of
three integration styles:

  --mode eso              ExternalSecrets (and a SecretStore with Kubernetes auth, IRSA or
                          workload identity) create the Kubernetes Secrets the values now
                          reference, refreshed from the manager
  --mode vault-agent      Vault Agent Injector annotations on every Airflow component; Airflow
                          reads files (_CMD options, LocalFilesystemBackend), not env variables
  --mode airflow-backend  Airflow's own secrets backend reads connections, variables and
                          sensitive options from the manager

What a style cannot serve goes the eso way. --push writes the values into the manager
(idempotent: only new or changed properties, counts reported, values never shown); without
it they go to --secrets-file (mode 0600, outside the git work tree). --out receives the
manifests and least-privilege policies (no secret values). --dry-run changes nothing; with
--push it only reads the manager to report what would change.

Credentials for --push come from the environment: VAULT_ADDR/VAULT_TOKEN (or vault login),
the AWS, Google and Azure SDK default chains.

Exit codes: 0 done, 1 findings left in the values (listed with the reason), 2 bad usage or
input, 3 runtime error (a failed push writes no file).`,
		Example: `  airlock externalize -f values.yaml --provider vault --vault-addr https://vault.example:8200 --mode eso --out deploy/airflow-secrets --push
  airlock externalize -f values.yaml --chart ./airflow --provider vault --vault-addr http://vault.vault:8200 --mode vault-agent --dry-run
  airlock externalize -f values.yaml --provider aws --aws-region eu-west-1 --mode airflow-backend --out deploy/secrets --push`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Provider, o.Mode = layout.Provider(provider), externalize.Mode(mode)
			return runExternalize(cmd, stdio, o)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&o.Values, "values", "f", nil, "values file in Helm order (repeatable)")
	f.StringVar(&o.Chart, "chart", "", "chart directory or .tgz: defaults, and (vault-agent) which component needs which secret from the rendered chart")
	f.StringVar(&provider, "provider", "", "secret manager: vault, aws, gcp or azure")
	f.StringVar(&mode, "mode", "", "integration style: eso, vault-agent or airflow-backend")
	f.BoolVar(&o.Push, "push", false, "write the values into the secret manager")
	f.BoolVar(&o.DryRun, "dry-run", false, "print the plan (secrets masked) and change nothing")
	f.StringVar(&o.Out, "out", "", "directory for manifests and policies")
	f.StringVar(&o.SecretsFile, "secrets-file", "", "without --push: file for the secret values (default OUT/secret-manager-values.yaml)")
	f.BoolVar(&o.AllowInRepo, "allow-in-repo", false, "allow writing secret values inside a git work tree")
	f.StringVar(&o.Prefix, "secret-prefix", plan.DefaultPrefix, "prefix of Kubernetes Secret, policy and role names")
	f.StringVar(&o.RemotePrefix, "remote-prefix", "", "prefix of the secret names in the manager (default: --secret-prefix)")
	f.StringVar(&o.Namespace, "namespace", "airflow", "namespace of the Airflow release")
	f.StringVar(&o.Release, "release", "airflow", "Helm release name")
	f.StringVar(&o.ServiceAccount, "service-account", "", "the Airflow ServiceAccount (default: as the chart names it)")
	f.StringVar(&o.RefreshInterval, "refresh-interval", "1h", "how often ESO re-reads the manager")
	f.StringVar(&o.StoreKind, "store-kind", "SecretStore", "SecretStore or ClusterSecretStore")
	f.StringVar(&o.Vault.Addr, "vault-addr", "", "vault: the address pods and ESO use (also --push unless VAULT_ADDR is set)")
	f.StringVar(&o.Vault.Mount, "vault-mount", "secret", "vault: the KV v2 mount")
	f.StringVar(&o.Vault.AuthPath, "vault-auth-path", "kubernetes", "vault: the Kubernetes auth mount")
	f.StringVar(&o.AWS.Region, "aws-region", "", "aws: region")
	f.StringVar(&o.AWS.AccountID, "aws-account-id", "", "aws: account id for the IAM policy ARNs (default *)")
	f.StringVar(&o.AWS.RoleARN, "aws-role-arn", "", "aws: IAM role for IRSA (annotates the ServiceAccount)")
	f.StringVar(&o.GCP.Project, "gcp-project", "", "gcp: project id")
	f.StringVar(&o.GCP.ClusterLocation, "gcp-cluster-location", "", "gcp: GKE cluster location (workload identity)")
	f.StringVar(&o.GCP.ClusterName, "gcp-cluster-name", "", "gcp: GKE cluster name (workload identity)")
	f.StringVar(&o.GCP.ServiceAccount, "gcp-service-account", "", "gcp: Google service account email (annotates the ServiceAccount)")
	f.StringVar(&o.Azure.VaultURL, "azure-vault-url", "", "azure: https://NAME.vault.azure.net/")
	f.StringVar(&o.Azure.TenantID, "azure-tenant-id", "", "azure: tenant id")
	f.StringVar(&o.Azure.ClientID, "azure-client-id", "", "azure: workload identity client id (annotates the ServiceAccount)")
	return cmd
}

func runExternalize(cmd *cobra.Command, stdio IO, o externalize.Options) error {
	res, err := externalize.Run(cmd.Context(), o)
	switch {
	case errors.Is(err, externalize.ErrUsage):
		return usageError{err}
	case err != nil:
		return err
	}
	if o.DryRun {
		fmt.Fprint(stdio.Out, res.Diff())
	}
	printExternalize(stdio.Out, res, o.DryRun)
	if n := len(res.Skipped); n > 0 {
		fmt.Fprintf(stdio.Err, "airlock: %d finding(s) left in the values; see \"Not moved\" above\n", n)
		return errFindings
	}
	return nil
}

func printExternalize(w io.Writer, res *externalize.Result, dry bool) {
	would := map[bool]string{true: "Would ", false: ""}[dry]
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if len(res.Moves) > 0 || len(res.Plan.Moves) > 0 {
		fmt.Fprintf(tw, "%sMove:\n", would)
	}
	for _, m := range res.Moves {
		gen := ""
		if m.Generated {
			gen = " (new generated value)"
		}
		fmt.Fprintf(tw, "  %s\t%s\t→ %s [%s]%s\t%s\n", where(m.File, m.Line), m.Path, m.Remote, strings.Join(m.Properties, ", "), gen, m.Via)
	}
	for _, m := range res.Plan.Moves {
		dest := "removed (unused)"
		if m.Secret != "" {
			dest = fmt.Sprintf("→ Secret %s key %s (ExternalSecret)", m.Secret, m.Key)
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", where(m.Finding.Loc.File, m.Finding.Loc.Line), m.Finding.Path, dest, m.Via)
	}
	if len(res.Skipped) > 0 {
		fmt.Fprintln(tw, "Not moved (left untouched):")
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", where(s.Finding.Loc.File, s.Finding.Loc.Line), s.Finding.Path, s.Reason)
	}
	if len(res.Secrets) > 0 {
		fmt.Fprintf(tw, "Secrets in the manager (names and properties only):\n")
	}
	for _, s := range res.Secrets {
		fmt.Fprintf(tw, "  %s\t[%s]\tread by %s\n", s.Name, strings.Join(s.Keys(), ", "), strings.Join(s.Readers, ", "))
	}
	tw.Flush()
	if p := res.Push; p != nil {
		verb := map[bool]string{true: "Push (dry run, nothing written)", false: "Pushed"}[dry]
		fmt.Fprintf(w, "%s: %d created, %d updated, %d unchanged properties\n", verb, p.Created, p.Updated, p.Unchanged)
		for _, s := range p.Secrets {
			if s.Changed() {
				fmt.Fprintf(w, "  %s: created [%s] updated [%s]\n", s.Name, strings.Join(s.Created, ", "), strings.Join(s.Updated, ", "))
			}
		}
	}
	for _, f := range res.Files {
		fmt.Fprintf(w, "%supdate %s\n", capital(strings.ToLower(would)), f.Name)
	}
	for _, o := range res.Outputs {
		fmt.Fprintf(w, "%swrite %s (mode %04o): %s\n", capital(strings.ToLower(would)), o.Path, o.Mode.Perm(), o.What)
	}
	for _, n := range res.Notes {
		fmt.Fprintf(w, "Note: %s\n", n)
	}
}
