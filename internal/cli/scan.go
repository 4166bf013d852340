package cli

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"io/fs"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/atomicfile"
	"github.com/airlockhq/airlock/internal/baseline"
	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/finding"
	"github.com/airlockhq/airlock/internal/report"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/discover"
	"github.com/airlockhq/airlock/internal/version"
)

type scanFlags struct {
	values        []string
	chart         string
	format        string
	output        string
	showSecrets   bool
	failOn        string
	configPath    string
	noConfig      bool
	baselinePath  string
	writeBaseline string
	paths         []string // positional: files, directories, "-"

	// Modes with their own flags and runners, each in its own file.
	history historyFlags // scan_history.go: --history, --staged
	render  renderFlags  // scan_render.go: --render and manifest checks
}

func newScanCmd(stdio IO) *cobra.Command {
	var fl scanFlags
	cmd := &cobra.Command{
		Use:   "scan [-f values.yaml ...] [PATH ...]",
		Short: "Find hardcoded secrets and insecure chart defaults in Helm values",
		Long: `scan reads values files in Helm order (later files override earlier ones), merges
them over the chart's defaults (--chart, or airlock's built-in airflow-helm 8.x catalog)
and reports:

  hardcoded-secret   a literal credential written in a values file, in any document,
                     even when a later file or a *Secret reference overrides it
  insecure-default   a public chart default credential still in effect after merging

PATH arguments (files, directories, - for stdin) are searched for Helm values files and
Kubernetes manifests (directories are walked, honouring .gitignore); each is scanned on its
own, without merging.

Suppress accepted findings with "# airlock:ignore RULE-ID -- reason" on the line or the
line above, allowlists in .airlock.yaml, or a baseline (--write-baseline, --baseline).

Secrets are redacted in every format unless --show-secrets is given.`,
		Example: `  airlock scan -f values.yaml
  airlock scan -f values.yaml -f values-prod.yaml --chart ./charts/airflow
  airlock scan -f values.yaml --format sarif --output airlock.sarif
  airlock scan deploy/                      # every values file and manifest below deploy/
  helm template ./chart | airlock scan -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			fl.paths = args
			return runScan(cmd, stdio, &fl)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&fl.values, "values", "f", nil, "values file in Helm order (repeatable; - reads stdin)")
	f.StringVar(&fl.chart, "chart", "", "chart directory or .tgz whose values.yaml supplies the defaults (default: built-in airflow-helm 8.x catalog)")
	f.StringVar(&fl.format, "format", "text", "output format: "+strings.Join(report.Formats, ", "))
	f.StringVarP(&fl.output, "output", "o", "", "write the report to this file instead of stdout")
	f.BoolVar(&fl.showSecrets, "show-secrets", false, "print secret values in full (never use in CI logs)")
	f.StringVar(&fl.failOn, "fail-on", "", "lowest severity that makes the exit code 1: info, low, medium, high, critical (default: failOn in .airlock.yaml, else info)")
	f.StringVar(&fl.configPath, "config", "", "config file (default: .airlock.yaml in this directory or a parent, up to the git root)")
	f.BoolVar(&fl.noConfig, "no-config", false, "ignore .airlock.yaml")
	f.StringVar(&fl.baselinePath, "baseline", "", "baseline file: findings it lists are accepted; stale entries are reported")
	f.StringVar(&fl.writeBaseline, "write-baseline", "", "write every current finding to this baseline file and exit 0")
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
	if len(fl.values) == 0 && len(fl.paths) == 0 {
		return usagef("nothing to scan: pass values files with -f FILE, or PATHs")
	}
	rep, err := report.New(fl.format)
	if err != nil {
		return usageError{err}
	}
	reg, err := newRegistry()
	if err != nil {
		return err
	}
	ctx := cmd.Context()
	in, err := loadScanInputs(cmd, stdio, fl, reg)
	if err != nil {
		return err
	}
	res, err := scan.Run(ctx, in, reg)
	if err != nil {
		return err
	}
	if fl.writeBaseline != "" {
		return writeBaselineFile(stdio, fl.writeBaseline, res)
	}
	threshold, err := failThreshold(fl.failOn, in.Config)
	if err != nil {
		return err
	}
	ri := &report.Input{
		Findings: res.Findings, Rules: reg.Metas(), Files: append(append([]string(nil), fl.values...), fl.paths...), Chart: in.ChartLabel,
		Notes: res.Notes,
	}
	return finishReport(stdio, fl, rep, ri, threshold)
}

// finishReport writes a scan's report as the flags ask and turns findings
// at or above the threshold into exit code 1; every scan mode ends here.
func finishReport(stdio IO, fl *scanFlags, rep report.Reporter, ri *report.Input, threshold finding.Severity) error {
	ri.Tool = report.Tool{Name: "airlock", Version: version.Get().Version, URI: "https://github.com/airlockhq/airlock"}
	ri.ShowSecrets = fl.showSecrets
	var buf bytes.Buffer
	if err := rep.Write(&buf, ri); err != nil {
		return err
	}
	if err := writeReport(stdio, fl.output, buf.Bytes(), fl.showSecrets); err != nil {
		return err
	}
	if slices.ContainsFunc(ri.Findings, func(f finding.Finding) bool { return f.Severity >= threshold }) {
		return errFindings
	}
	return nil
}

// loadScanInputs reads -f files (merged), discovers PATH arguments (each
// scanned alone), and loads the config and the baseline.
func loadScanInputs(cmd *cobra.Command, stdio IO, fl *scanFlags, reg *rule.Registry) (*scan.Inputs, error) {
	ctx := cmd.Context()
	cfg, err := loadConfig(fl, reg)
	if err != nil {
		return nil, err
	}
	in, err := scan.Load(ctx, scan.LoadOptions{Values: fl.values, Chart: fl.chart, Stdin: stdio.In})
	if err != nil {
		return nil, err
	}
	in.Config = cfg
	targets, err := discover.Find(ctx, fl.paths, discover.Options{Stdin: func() ([]byte, error) { return io.ReadAll(stdio.In) }})
	if err != nil {
		return nil, err
	}
	for _, t := range targets {
		in.Lazy = append(in.Lazy, t)
	}
	if fl.baselinePath != "" && fl.writeBaseline == "" {
		if in.Baseline, err = baseline.Load(fl.baselinePath); err != nil {
			return nil, err
		}
	}
	return in, nil
}

func loadConfig(fl *scanFlags, reg *rule.Registry) (*config.Config, error) {
	known := func(id string) bool { _, ok := reg.Lookup(id); return ok }
	path := fl.configPath
	if path == "" && !fl.noConfig {
		path = config.Find(".")
	}
	if path == "" || fl.noConfig {
		return config.Default(), nil
	}
	return config.Load(path, known)
}

func failThreshold(flag string, cfg *config.Config) (finding.Severity, error) {
	if flag != "" {
		s, err := finding.ParseSeverity(flag)
		if err != nil {
			return 0, usageError{err}
		}
		return s, nil
	}
	if cfg != nil && cfg.FailOn != 0 {
		return cfg.FailOn, nil
	}
	return finding.Info, nil
}

func writeBaselineFile(stdio IO, path string, res *scan.Result) error {
	b, err := baseline.New(res.Findings)
	if err != nil {
		return err
	}
	if err := b.Write(path); err != nil {
		return err
	}
	fmt.Fprintf(stdio.Err, "airlock: wrote %d baseline entries to %s\n", len(b.Entries), path)
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
