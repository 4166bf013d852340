package cli

import (
	"errors"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// renderFlags select rendering the chart and checking what it deploys.
// Owned by the render feature.
type renderFlags struct{}

func (r *renderFlags) bind(_ *pflag.FlagSet) {}

func (r *renderFlags) active() bool { return false }

func runRender(_ *cobra.Command, _ IO, _ *scanFlags) error {
	return errors.New("rendering is not available in this build")
}
