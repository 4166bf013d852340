// Package gitlog reads a git repository through the real git binary: the
// commits of a history with the file versions each one introduced, the
// content of those versions (each blob once), trees and the index. It
// knows nothing about YAML or secrets; it streams what git holds.
//
// git is driven with exec.CommandContext and NUL-separated output (-z), so
// paths reach callers byte for byte, whatever their encoding. Every
// failure names the repository and carries git's own message, and wraps
// ErrRepository when the repository itself is at fault (not a repository,
// unknown revision, corrupt or missing objects) so callers can tell bad
// input from a broken machine.
package gitlog
