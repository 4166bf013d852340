package cli

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// historyFlags select scanning git history or the staged index instead of
// the working tree. Owned by the git-history feature.
type historyFlags struct{}

func (h *historyFlags) bind(_ *pflag.FlagSet) {}

func (h *historyFlags) active() bool { return false }

func runHistory(_ *cobra.Command, _ IO, _ *scanFlags) error {
	return errors.New("history scanning is not available in this build")
}
