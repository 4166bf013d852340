// Package yamltree is airlock's one model of Helm values: every scalar keeps
// the file, line and column it was written at, aliases and merge keys are
// resolved the way Helm resolves them, and several files merge with Helm's
// semantics while each effective value remembers where it came from.
//
// Every later stage (rules, fixers, reporters) reads values through this
// package, so positions are computed once and agree everywhere.
package yamltree
