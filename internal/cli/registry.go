package cli

import (
	"github.com/airlockhq/airlock/internal/audit"
	"github.com/airlockhq/airlock/internal/rule"
	"github.com/airlockhq/airlock/internal/scan"
)

// newRegistry is every command's rule registry: the scan engine's rules
// plus the metadata of the rules only `airlock audit` runs, so that one
// .airlock.yaml can tune both commands and `airlock rules` lists them all.
func newRegistry() (*rule.Registry, error) {
	reg, err := scan.DefaultRegistry()
	if err != nil {
		return nil, err
	}
	if err := reg.Describe(audit.Rules()...); err != nil {
		return nil, err
	}
	return reg, nil
}
