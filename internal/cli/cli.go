// Package cli is airlock's command line: cobra commands that bind flags to
// options, call the library and map errors to exit codes. Nothing below
// this package prints to the terminal or exits.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Exit codes, as documented in the README and the scan contract.
const (
	ExitOK       = 0
	ExitFindings = 1
	ExitUsage    = 2
	ExitRuntime  = 3
)

// errFindings makes a command exit 1 without printing an error.
var errFindings = errors.New("findings")

// usageError marks bad flags and arguments (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// IO bundles the process streams so tests can run commands in-process.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
}

// Run executes airlock with args (without the program name) and returns
// the exit code. It is the only entry point main needs.
func Run(ctx context.Context, args []string, stdio IO) int {
	root := newRoot(stdio)
	root.SetArgs(args)
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	err := root.ExecuteContext(ctx)
	return exitCode(err, stdio.Err)
}

func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errFindings):
		return ExitFindings
	case errors.As(err, &ue), errors.Is(err, yamltree.ErrInvalid):
		fmt.Fprintf(stderr, "airlock: %v\n", err)
		return ExitUsage
	case errors.Is(err, context.Canceled):
		fmt.Fprintln(stderr, "airlock: interrupted")
		return ExitRuntime
	default:
		fmt.Fprintf(stderr, "airlock: %v\n", err)
		return ExitRuntime
	}
}

func newRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "airlock",
		Short: "Secure secrets management for Apache Airflow on Kubernetes (airflow-helm chart)",
		Long: `airlock finds hardcoded secrets and insecure chart defaults in Helm values for the
airflow-helm/charts "airflow" chart, and helps move them into Kubernetes Secrets or a
secret manager.

Exit codes: 0 clean, 1 findings, 2 bad usage or input, 3 runtime error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	// Cobra reports unknown flags and bad arguments as plain errors; mark
	// them as usage errors so they exit 2.
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newScanCmd(stdio), newVersionCmd(stdio), newRulesCmd(stdio), newFixCmd(stdio))
	root.AddCommand(newAuditCmd(stdio))
	root.AddCommand(newDocCmd(stdio))
	root.AddCommand(newExternalizeCmd(stdio))
	return root
}
