package catalog

import (
	_ "embed"

	"github.com/airlockhq/airlock/internal/yamltree"
)

//go:embed defaults.yaml
var defaultsYAML []byte

// BuiltinDefaultsName is how findings name the built-in defaults.
const BuiltinDefaultsName = "airflow-helm 8.9.0 defaults (built-in)"

// Public default credentials of the chart. Anyone can read them, so a
// deployment that keeps them has no secret at all.
const (
	DefaultFernetKey          = "7T512UXSSmBOkpWimFHIVb8jK6lfmSAvx4mO6Arehnc="
	DefaultWebserverSecretKey = "THIS IS UNSAFE!"
	DefaultDBPassword         = "airflow"
	DefaultRedisPassword      = "airflow"
	DefaultAdminUser          = "admin"
	DefaultAdminPassword      = "admin"
)

// BuiltinDefaults parses the embedded defaults. It is parsed per call so
// callers cannot share (and mutate) one tree.
func BuiltinDefaults() (*yamltree.File, error) {
	src := &yamltree.Source{Name: BuiltinDefaultsName, Kind: yamltree.BuiltinDefault}
	return yamltree.Parse(src, defaultsYAML, yamltree.DefaultLimits)
}
