package cli

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/audit/auditor"
	"github.com/airlockhq/airlock/internal/audit/output"
	"github.com/airlockhq/airlock/internal/audit/policy"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/source/cluster"
	"github.com/airlockhq/airlock/internal/version"
)

type auditFlags struct {
	kubeconfig  string
	context     string
	namespaces  []string
	all         bool
	release     string
	format      string
	output      string
	showSecrets bool
	failOn      string
	configPath  string
	noConfig    bool
	timeout     time.Duration
}

func newAuditCmd(stdio IO) *cobra.Command {
	var fl auditFlags
	cmd := &cobra.Command{
		Use:   "audit [--kubeconfig FILE] [--context NAME] [-n NAMESPACE | -A] [--release NAME]",
		Short: "Audit a live cluster: Helm release history, Secret readers, Secrets in use, literal secrets",
		Long: `audit reads a running cluster (read-only) and reports:

  Helm release history   plaintext secrets in every revision's values (the same rules as
                         scan), still in the deployed revision or only in older ones, and
                         public chart defaults in effect in the deployed release
  who can read Secrets   every user, group and service account with get/list/watch on
                         Secrets in the namespace (RBAC evaluated from the cluster's Roles,
                         ClusterRoles and bindings), Airflow's service accounts flagged
  Secrets in use         Secrets referenced by Airflow pods: missing Secrets or keys, data
                         older than its rotation limit, public chart defaults, and External
                         Secrets Operator sync status
  literal secrets        credentials in workload env values and arguments, and in ConfigMaps

Reads that are refused are reported as "not checked" and the audit continues; it exits 2
only when nothing could be read. deploy/audit-rbac.yaml grants the read-only access it needs.
Rotation limits are set in .airlock.yaml under audit.rotation.`,
		Example: `  airlock audit -n airflow
  airlock audit --context prod -n airflow --release airflow --format sarif -o audit.sarif
  airlock audit -A --fail-on high`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runAudit(cmd, stdio, &fl) },
	}
	f := cmd.Flags()
	f.StringVar(&fl.kubeconfig, "kubeconfig", "", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
	f.StringVar(&fl.context, "context", "", "kubeconfig context (default: the current context)")
	f.StringArrayVarP(&fl.namespaces, "namespace", "n", nil, "namespace to audit (repeatable; default: the context's namespace)")
	f.BoolVarP(&fl.all, "all-namespaces", "A", false, "audit every namespace that runs Airflow")
	f.StringVar(&fl.release, "release", "", "audit only this Helm release (of any chart)")
	f.StringVar(&fl.format, "format", "text", "output format: "+strings.Join(output.Formats, ", "))
	f.StringVarP(&fl.output, "output", "o", "", "write the report to this file instead of stdout")
	f.BoolVar(&fl.showSecrets, "show-secrets", false, "print secret values in full (never use in CI logs)")
	f.StringVar(&fl.failOn, "fail-on", "", "lowest severity that makes the exit code 1 (default: failOn in .airlock.yaml, else info)")
	f.StringVar(&fl.configPath, "config", "", "config file (default: .airlock.yaml in this directory or a parent, up to the git root)")
	f.BoolVar(&fl.noConfig, "no-config", false, "ignore .airlock.yaml")
	f.DurationVar(&fl.timeout, "timeout", 30*time.Second, "timeout of each request to the API server")
	return cmd
}

func runAudit(cmd *cobra.Command, stdio IO, fl *auditFlags) error {
	if fl.all && len(fl.namespaces) > 0 {
		return usagef("--namespace and --all-namespaces are mutually exclusive")
	}
	w, err := output.New(fl.format)
	if err != nil {
		return usageError{err}
	}
	reg, err := newRegistry()
	if err != nil {
		return err
	}
	rules := reg.Metas()
	cfg, pol, err := loadAuditConfig(fl, rules)
	if err != nil {
		return err
	}
	threshold, err := failThreshold(fl.failOn, cfg)
	if err != nil {
		return err
	}
	client, err := cluster.Open(cluster.Options{Kubeconfig: fl.kubeconfig, Context: fl.context, Timeout: fl.timeout})
	if err != nil {
		return usageError{err}
	}
	res, err := auditor.Run(cmd.Context(), client, auditor.Options{Namespaces: fl.namespaces, AllNamespaces: fl.all,
		Release: fl.release, Policy: pol, Registry: reg, Config: cfg})
	if res != nil {
		warnGaps(stdio, res.Gaps)
	}
	if errors.Is(err, auditor.ErrNothingAudited) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	in := &output.Input{Tool: output.Tool{Name: "airlock", Version: version.Get().Version, URI: "https://github.com/airlockhq/airlock"},
		Result: res, Rules: rules, ShowSecrets: fl.showSecrets}
	var buf bytes.Buffer
	if err := w.Write(&buf, in); err != nil {
		return err
	}
	if err := writeReport(stdio, fl.output, buf.Bytes(), fl.showSecrets); err != nil {
		return err
	}
	if slices.ContainsFunc(res.Findings, func(f audit.Finding) bool { return f.Severity >= threshold }) {
		return errFindings
	}
	return nil
}

// loadAuditConfig reads .airlock.yaml like scan does, accepting audit
// rule ids too, and decodes its audit section.
func loadAuditConfig(fl *auditFlags, rules []rule.Meta) (*config.Config, policy.Policy, error) {
	path := fl.configPath
	if path == "" && !fl.noConfig {
		path = config.Find(".")
	}
	if path == "" || fl.noConfig {
		return config.Default(), policy.Default(), nil
	}
	known := func(id string) bool {
		return slices.ContainsFunc(rules, func(m rule.Meta) bool { return m.ID == id })
	}
	cfg, err := config.Load(path, known)
	if err != nil {
		return nil, policy.Policy{}, err
	}
	pol, err := policy.Decode(path, cfg.Sections["audit"])
	return cfg, pol, err
}

// warnGaps tells stderr what could not be checked, so an incomplete audit
// is never mistaken for a clean one even when the report goes to a file.
func warnGaps(stdio IO, gaps []audit.Gap) {
	const max = 10
	for i, g := range gaps {
		if i == max {
			fmt.Fprintf(stdio.Err, "airlock: warning: %d more reads failed (see the report)\n", len(gaps)-max)
			break
		}
		fmt.Fprintf(stdio.Err, "airlock: warning: not checked: %s\n", g)
	}
}
