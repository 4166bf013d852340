// Package source turns inputs (values files, charts, stdin) into
// yamltree documents. Sub-packages hold one kind of input each; this
// package holds what they share.
package source
