//go:build !linux

package testcluster

import "syscall"

// sysProcAttr: only Linux can tie a child's life to its parent; elsewhere
// Stop must run.
func sysProcAttr() *syscall.SysProcAttr { return nil }
