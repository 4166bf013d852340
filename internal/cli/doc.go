package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/atomicfile"
	"github.com/airlockhq/airlock/internal/doc"
)

type docFlags struct {
	values      []string
	chart       string
	format      string
	output      string
	check       bool
	date        string
	release     string
	namespace   string
	secretsFrom []string
	configPath  string
	noConfig    bool
}

func newDocCmd(stdio IO) *cobra.Command {
	var fl docFlags
	cmd := &cobra.Command{
		Use:   "doc -f values.yaml [-f ...] [--chart DIR] [--format markdown|html] [--output FILE] [--check]",
		Short: "Generate the deployment's secret-management document (inventory, flow diagram, policies)",
		Long: `doc describes how the deployment handles its secrets, from the deployment itself:

  1. Inventory: every secret (fernet and webserver keys, database and Redis passwords,
     connections, variables, users, git credentials, TLS keys, extra env, ...), where its
     value comes from (hardcoded in values file:line, chart default, Kubernetes Secret and
     key, ExternalSecret and its store, *_CMD file), which components and containers read
     it and how (env or file), and its status: ok, hardcoded, insecure default, dangling
     reference or not set.
  2. Flow: a diagram from sources to Secrets to components (Mermaid in Markdown, inline
     SVG in HTML).
  3. Policies: rotation limits per kind (audit.rotation in .airlock.yaml), access control
     (rbac.secrets, service accounts and the Secrets their pods reference), open findings.

With --chart the chart is rendered (as helm template would) and consumers are listed per
container; without it, per component from airlock's knowledge of the chart.

The output is deterministic (no timestamp unless --date) and never contains a secret value,
so it can be committed; --check regenerates it in memory and exits 1 when --output differs.`,
		Example: `  airlock doc -f values.yaml --chart ./charts/airflow --output docs/secrets.md
  airlock doc -f values.yaml -f values-prod.yaml --chart ./chart --format html -o secrets.html
  airlock doc -f values.yaml --chart ./chart --output docs/secrets.md --check   # in CI`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("doc takes no arguments (got %q): pass values files with -f", args[0])
			}
			return runDoc(cmd, stdio, &fl)
		},
	}
	f := cmd.Flags()
	f.StringArrayVarP(&fl.values, "values", "f", nil, "values file in Helm order (repeatable; - reads stdin)")
	f.StringVar(&fl.chart, "chart", "", "chart directory or .tgz to render (default: built-in airflow-helm 8.x catalog, no rendering)")
	f.StringVar(&fl.format, "format", "", "markdown or html (default: from the --output extension, else markdown)")
	f.StringVarP(&fl.output, "output", "o", "", "write the document to this file (atomically) instead of stdout")
	f.BoolVar(&fl.check, "check", false, "do not write: exit 1 when --output differs from the document generated now")
	f.StringVar(&fl.date, "date", "", "date (YYYY-MM-DD) to print in the header; omitted by default so the output only changes with the deployment")
	f.StringVar(&fl.release, "release", "airflow", "release name the chart is rendered with")
	f.StringVarP(&fl.namespace, "namespace", "n", "default", "release namespace")
	f.StringArrayVar(&fl.secretsFrom, "secrets-from", nil, "file or directory of Secret/ExternalSecret manifests that exist outside the chart (repeatable)")
	f.StringVar(&fl.configPath, "config", "", "config file (default: .airlock.yaml in this directory or a parent, up to the git root)")
	f.BoolVar(&fl.noConfig, "no-config", false, "ignore .airlock.yaml")
	return cmd
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func runDoc(cmd *cobra.Command, stdio IO, fl *docFlags) error {
	if len(fl.values) == 0 {
		return usagef("nothing to document: pass values files with -f FILE")
	}
	format, err := docFormat(fl)
	if err != nil {
		return err
	}
	if fl.check && (fl.output == "" || fl.output == "-") {
		return usagef("--check needs --output FILE: the committed document to compare")
	}
	if fl.date != "" && !dateRE.MatchString(fl.date) {
		return usagef("--date %q: want YYYY-MM-DD", fl.date)
	}
	reg, err := newRegistry()
	if err != nil {
		return err
	}
	cfg, err := loadConfig(&scanFlags{configPath: fl.configPath, noConfig: fl.noConfig}, reg)
	if err != nil {
		return err
	}
	d, err := doc.Build(cmd.Context(), doc.Options{Values: fl.values, Stdin: stdio.In, Chart: fl.chart, Release: fl.release,
		Namespace: fl.namespace, SecretsFrom: fl.secretsFrom, Config: cfg, Date: fl.date, Command: docCommand(fl, format)})
	if err != nil {
		return err
	}
	out, err := doc.Render(d, format)
	if err != nil {
		return err
	}
	if fl.check {
		return checkDoc(stdio, fl.output, out)
	}
	if fl.output == "" || fl.output == "-" {
		_, err := stdio.Out.Write(out)
		return err
	}
	if err := atomicfile.Write(fl.output, out, 0o644); err != nil {
		return fmt.Errorf("output: %w", err)
	}
	return nil
}

func docFormat(fl *docFlags) (doc.Format, error) {
	if fl.format != "" {
		f, err := doc.ParseFormat(fl.format)
		if err != nil {
			return "", usageError{err}
		}
		return f, nil
	}
	if f, ok := doc.FormatFor(fl.output); ok {
		return f, nil
	}
	return doc.Markdown, nil
}

// checkDoc compares the committed document with the generated one.
func checkDoc(stdio IO, path string, generated []byte) error {
	committed, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(stdio.Err, "airlock: %s does not exist: generate it with the same command without --check\n", path)
		return errFindings
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := doc.Compare(path, committed, generated); err != nil {
		fmt.Fprintf(stdio.Err, "airlock: %v", err)
		fmt.Fprintln(stdio.Err, "airlock: regenerate it with the same command without --check, and commit it")
		return errFindings
	}
	fmt.Fprintf(stdio.Err, "airlock: %s is up to date\n", path)
	return nil
}

// docCommand is the command line that regenerates the document, shown in
// its header. It names only what the user passed, in a fixed order, and
// never --check or --date (the check must not see itself).
func docCommand(fl *docFlags, format doc.Format) string {
	parts := []string{"airlock doc"}
	for _, v := range fl.values {
		parts = append(parts, "-f "+shellQuote(v))
	}
	if fl.chart != "" {
		parts = append(parts, "--chart "+shellQuote(fl.chart))
	}
	if fl.release != "airflow" {
		parts = append(parts, "--release "+shellQuote(fl.release))
	}
	if fl.namespace != "default" {
		parts = append(parts, "--namespace "+shellQuote(fl.namespace))
	}
	for _, s := range fl.secretsFrom {
		parts = append(parts, "--secrets-from "+shellQuote(s))
	}
	if fl.output != "" && fl.output != "-" {
		parts = append(parts, "--output "+shellQuote(fl.output))
	} else if format != doc.Markdown {
		parts = append(parts, "--format "+string(format))
	}
	return strings.Join(parts, " ")
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:=@+-]+$`)

func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
