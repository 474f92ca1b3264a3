//go:build unix

package server

import "syscall"

// openFilesLimit is the process's limit of open files (ulimit -n); 0 when
// unknown.
func openFilesLimit() uint64 {
	var r syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r); err != nil {
		return 0
	}
	return uint64(r.Cur)
}
