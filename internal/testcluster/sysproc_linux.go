package testcluster

import "syscall"

// sysProcAttr makes the kernel kill the servers if the test binary dies
// without running Stop (a panic, a timeout, a SIGKILL).
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
