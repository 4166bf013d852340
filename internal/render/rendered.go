package render

import (
	"context"

	"github.com/airlockhq/airlock/internal/yamltree"
)

// Rendered renders the chart of o (o.Chart, o.Inputs.Files, o.Set and the
// release settings) exactly as Run does, and returns the rendered objects
// with the Secrets that absent dependency charts would create. It serves
// callers that describe a deployment rather than check it (airlock doc).
func Rendered(ctx context.Context, o RunOptions) ([]*yamltree.Document, []Provided, error) {
	return renderChart(ctx, o)
}
