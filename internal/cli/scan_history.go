package cli

import (
	"errors"
	"fmt"
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/airlockhq/airlock/internal/config"
	"github.com/airlockhq/airlock/internal/gitscan"
	"github.com/airlockhq/airlock/internal/report"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
	"github.com/airlockhq/airlock/internal/source/gitlog"
)

// historyFlags select scanning git history or the staged index instead of
// the working tree.
type historyFlags struct {
	history bool
	staged  bool
	since   string
	branch  string
	all     bool
	repo    string
}

func (h *historyFlags) bind(f *pflag.FlagSet) {
	f.BoolVar(&h.history, "history", false, "scan every version of every values file and manifest in git history; each secret is reported once, at the commit that introduced it, as present or removed")
	f.BoolVar(&h.staged, "staged", false, "scan only what is staged for the next commit (for pre-commit hooks)")
	f.StringVar(&h.since, "since", "", "with --history: only commits after this revision (secrets already in its tree are not reported)")
	f.StringVar(&h.branch, "branch", "", "with --history: scan this ref's history; its tip decides present or removed (default HEAD)")
	f.BoolVar(&h.all, "all", false, "with --history: scan the history of every ref (branches, tags, remotes, stash)")
	f.StringVar(&h.repo, "repo", ".", "with --history or --staged: a directory inside the git repository")
}

func (h *historyFlags) active() bool { return h.history || h.staged }

// check rejects flag combinations that would silently do something else.
func (h *historyFlags) check(fl *scanFlags) error {
	switch {
	case h.history && h.staged:
		return usagef("--history and --staged cannot be combined")
	case h.staged && (h.since != "" || h.branch != "" || h.all):
		return usagef("--since, --branch and --all select history: use them with --history")
	case h.all && h.branch != "":
		return usagef("--all and --branch cannot be combined")
	case h.history && fl.chart != "":
		return usagef("--chart is not used with --history: file versions are scanned on their own, without chart defaults")
	}
	return nil
}

func runHistory(cmd *cobra.Command, stdio IO, fl *scanFlags) error {
	h := &fl.history
	if err := h.check(fl); err != nil {
		return err
	}
	rep, err := report.New(fl.format)
	if err != nil {
		return usageError{err}
	}
	reg, err := newRegistry()
	if err != nil {
		return err
	}
	// .airlock.yaml applies as for scan: disabled rules, severities,
	// allowlists, and its failOn unless --fail-on is given.
	cfg, err := loadConfig(fl, reg)
	if err != nil {
		return err
	}
	threshold, err := failThreshold(fl.failOn, cfg)
	if err != nil {
		return err
	}
	if h.history && os.Getenv("GOGC") == "" {
		// A history scan allocates a tree per file version that dies at
		// once: a lower GC target keeps peak memory near the live set
		// (about 10 MB less on a 5,000-commit history) for a few percent
		// of CPU. GOGC in the environment still wins.
		defer debug.SetGCPercent(debug.SetGCPercent(50))
	}
	res, ri, err := runGitScan(cmd, stdio, fl, reg, cfg)
	if errors.Is(err, gitlog.ErrRepository) {
		return usageError{err}
	}
	if err != nil {
		return err
	}
	ri.Findings, ri.Rules, ri.Notes = res.Findings, reg.Metas(), res.Notes
	for _, w := range res.Warnings {
		fmt.Fprintf(stdio.Err, "airlock: warning: %s\n", w)
	}
	return finishReport(stdio, fl, rep, ri, threshold)
}

// runGitScan runs the history or staged scan and describes its input for
// the report.
func runGitScan(cmd *cobra.Command, stdio IO, fl *scanFlags, reg *rule.Registry, cfg *config.Config) (*gitscan.Result, *report.Input, error) {
	ctx, h := cmd.Context(), &fl.history
	if h.history {
		res, err := gitscan.History(ctx, gitscan.Options{Dir: h.repo, Since: h.since, Branch: h.branch, All: h.all, Paths: fl.values, Config: cfg}, reg)
		if err != nil {
			return nil, nil, err
		}
		p := res.Provenance
		ri := &report.Input{Files: []string{"git history of " + res.Repo}, Chart: "airflow-helm 8.x rules, each file version on its own (no chart defaults)",
			VCS: &report.VCS{RepositoryURI: p.RepositoryURI, Revision: p.Revision, Branch: p.Branch}}
		return res, ri, nil
	}
	base, err := scan.Load(ctx, scan.LoadOptions{Chart: fl.chart, Stdin: stdio.In})
	if err != nil {
		return nil, nil, err
	}
	base.Config = cfg
	res, err := gitscan.Staged(ctx, gitscan.StagedOptions{Dir: h.repo, Paths: fl.values, Base: *base}, reg)
	if err != nil {
		return nil, nil, err
	}
	return res, &report.Input{Files: []string{"files staged in " + res.Repo}, Chart: base.ChartLabel}, nil
}
