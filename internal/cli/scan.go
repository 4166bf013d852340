package cli

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"io/fs"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/atomicfile"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/report"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/version"
)

type scanFlags struct {
	values      []string
	chart       string
	format      string
	output      string
	showSecrets bool
	failOn      string

	// Modes with their own flags and runners, each in its own file.
	history historyFlags // scan_history.go: --history, --staged
	render  renderFlags  // scan_render.go: --render and manifest checks
}

func newScanCmd(stdio IO) *cobra.Command {
	var fl scanFlags
	cmd := &cobra.Command{
		Use:   "scan -f values.yaml [-f values-prod.yaml ...]",
		Short: "Find hardcoded secrets and insecure chart defaults in Helm values",
		Long: `scan reads values files in Helm order (later files override earlier ones), merges
them over the chart's defaults (--chart, or airlock's built-in airflow-helm 8.x catalog)
and reports:

  hardcoded-secret   a literal credential written in a values file, in any document,
                     even when a later file or a *Secret reference overrides it
  insecure-default   a public chart default credential still in effect after merging

Secrets are redacted in every format unless --show-secrets is given.`,
		Example: `  airlock scan -f values.yaml
  airlock scan -f values.yaml -f values-prod.yaml --chart ./charts/airflow
  airlock scan -f values.yaml --format sarif --output airlock.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runScan(cmd, stdio, &fl)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&fl.values, "values", "f", nil, "values file in Helm order (repeatable; - reads stdin)")
	f.StringVar(&fl.chart, "chart", "", "chart directory or .tgz whose values.yaml supplies the defaults (default: built-in airflow-helm 8.x catalog)")
	f.StringVar(&fl.format, "format", "text", "output format: "+strings.Join(report.Formats, ", "))
	f.StringVarP(&fl.output, "output", "o", "", "write the report to this file instead of stdout")
	f.BoolVar(&fl.showSecrets, "show-secrets", false, "print secret values in full (never use in CI logs)")
	f.StringVar(&fl.failOn, "fail-on", "info", "lowest severity that makes the exit code 1: info, low, medium, high, critical")
	fl.history.bind(f)
	fl.render.bind(f)
	return cmd
}

func runScan(cmd *cobra.Command, stdio IO, fl *scanFlags) error {
	switch {
	case fl.history.active():
		return runHistory(cmd, stdio, fl)
	case fl.render.active():
		return runRender(cmd, stdio, fl)
	}
	if len(fl.values) == 0 {
		return usagef("no values files: pass at least one -f FILE")
	}
	rep, err := report.New(fl.format)
	if err != nil {
		return usageError{err}
	}
	threshold, err := finding.ParseSeverity(fl.failOn)
	if err != nil {
		return usageError{err}
	}
	reg, err := scan.DefaultRegistry()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	in, err := scan.Load(ctx, scan.LoadOptions{Values: fl.values, Chart: fl.chart, Stdin: stdio.In})
	if err != nil {
		return err
	}
	res, err := scan.Run(ctx, in, reg)
	if err != nil {
		return err
	}
	ri := &report.Input{
		Tool:     report.Tool{Name: "airlock", Version: version.Get().Version, URI: "https://github.com/airlockhq/airlock"},
		Findings: res.Findings, Rules: reg.Metas(), Files: fl.values, Chart: in.ChartLabel,
		Notes: res.Notes, ShowSecrets: fl.showSecrets,
	}
	var buf bytes.Buffer
	if err := rep.Write(&buf, ri); err != nil {
		return err
	}
	if err := writeReport(stdio, fl.output, buf.Bytes(), fl.showSecrets); err != nil {
		return err
	}
	if slices.ContainsFunc(res.Findings, func(f finding.Finding) bool { return f.Severity >= threshold }) {
		return errFindings
	}
	return nil
}

// writeReport writes the whole report at once: to stdout, or atomically to
// a file (0600 when it holds secrets in full).
func writeReport(stdio IO, path string, data []byte, secrets bool) error {
	if path == "" || path == "-" {
		_, err := stdio.Out.Write(data)
		return err
	}
	mode := fs.FileMode(0o644)
	if secrets {
		mode = 0o600
	}
	if err := atomicfile.Write(path, data, mode); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}
