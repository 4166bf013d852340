// Package edit changes a YAML values file by splicing its original bytes:
// every byte outside the edited spans (comments, blank lines, key order,
// quoting, line endings, a BOM) is kept exactly, and the YAML is never
// re-serialised.
//
// Callers describe what they want with a few operations on values paths
// (replace a scalar, delete a key, turn `value:` into `valueFrom:`, merge
// entries into a mapping, append list items). The package locates the
// concrete syntax with go.yaml.in/yaml/v3 (which keeps anchors, aliases
// and flow style that the yamltree model resolves away), computes byte
// spans from line and character-column positions, splices, and then
// proves the result: the new bytes are parsed with yamltree and every
// value outside the edited paths must be unchanged while the edited paths
// must hold exactly the intended values. Anything it cannot do safely (an
// aliased anchor, a value reached through a merge key, a multi-line plain
// scalar, ...) is refused with a *Refusal naming the file and line, and
// the input is never partially changed.
package edit
