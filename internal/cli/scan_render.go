package cli

import (
	"errors"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/airlockhq/airlock/internal/render"
	"github.com/airlockhq/airlock/internal/report"
	"github.com/airlockhq/airlock/internal/scan"
)

// renderFlags select rendering the chart and checking what it deploys.
type renderFlags struct {
	render      bool
	set         render.SetFlags
	release     string
	namespace   string
	kubeVersion string
	secretsFrom []string
	consumption bool
}

func (r *renderFlags) bind(f *pflag.FlagSet) {
	f.BoolVar(&r.render, "render", false, "render the chart (--chart) with the values as `helm template` would and check what it deploys: rendered Secrets, ConfigMaps and env, dangling Secret references, RBAC")
	f.StringArrayVar(&r.set.Values, "set", nil, "with --render: set values on the command line, as helm --set (repeatable)")
	f.StringArrayVar(&r.set.String, "set-string", nil, "with --render: set STRING values, as helm --set-string (repeatable)")
	f.StringArrayVar(&r.set.File, "set-file", nil, "with --render: set values from files, as helm --set-file (repeatable)")
	f.StringArrayVar(&r.set.JSON, "set-json", nil, "with --render: set JSON values, as helm --set-json (repeatable)")
	f.StringVar(&r.release, "release", "airflow", "with --render: release name")
	f.StringVarP(&r.namespace, "namespace", "n", "default", "with --render: release namespace")
	f.StringVar(&r.kubeVersion, "kube-version", "", "with --render: Kubernetes version for Capabilities.KubeVersion (default: helm's)")
	f.StringArrayVar(&r.secretsFrom, "secrets-from", nil, "with --render: file or directory of Secret/ConfigMap manifests that exist outside the chart (repeatable)")
	f.BoolVar(&r.consumption, "consumption", false, "with --render: also report (severity info) which Secrets reach containers as environment variables, with the file alternative (CIS 5.4.1)")
}

// active is true with --render, and with any render-only flag so that
// runRender can say the flag needs --render instead of ignoring it.
func (r *renderFlags) active() bool {
	return r.render || !r.set.IsZero() || len(r.secretsFrom) > 0 || r.consumption || r.kubeVersion != ""
}

func runRender(cmd *cobra.Command, stdio IO, fl *scanFlags) error {
	r := &fl.render
	if !r.render {
		return usagef("--set, --set-string, --set-file, --set-json, --secrets-from, --consumption and --kube-version need --render")
	}
	if fl.chart == "" && len(fl.paths) == 0 {
		return usagef("--render needs --chart DIR (the chart to render), or manifest files as PATH arguments")
	}
	rep, err := report.New(fl.format)
	if err != nil {
		return usageError{err}
	}
	reg, err := newRegistry()
	if err != nil {
		return err
	}
	// render.Run loads the chart itself (for rendering and as the values'
	// defaults): loading it here too would double the cost.
	noChart := *fl
	noChart.chart = ""
	in, err := loadScanInputs(cmd, stdio, &noChart, reg)
	if err != nil {
		return err
	}
	res, err := render.Run(cmd.Context(), render.RunOptions{
		Inputs: in, Registry: reg, Chart: fl.chart, Set: r.set,
		Release: r.release, Namespace: r.namespace, KubeVersion: r.kubeVersion,
		SecretsFrom: r.secretsFrom, Consumption: r.consumption,
	})
	if errors.Is(err, render.ErrNothingToRender) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	if fl.writeBaseline != "" {
		return writeBaselineFile(stdio, fl.writeBaseline, &scan.Result{Findings: res.Findings})
	}
	threshold, err := failThreshold(fl.failOn, in.Config)
	if err != nil {
		return err
	}
	ri := &report.Input{
		Findings: res.Findings, Rules: reg.Metas(), Files: append(slices.Clone(fl.values), fl.paths...), Chart: res.Chart,
		Notes: res.Notes,
	}
	return finishReport(stdio, fl, rep, ri, threshold)
}
