// Package fix is the engine of `airlock fix`: it scans the values, plans
// the fix (package plan), rewrites each values file by splicing its bytes
// (package edit) and writes the Secrets or ExternalSecrets the fixed
// values reference (package manifest). It prints nothing; the CLI renders
// the Result.
package fix
