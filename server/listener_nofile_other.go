//go:build !unix

package server

// openFilesLimit is unknown here: the configured caps apply as they are.
func openFilesLimit() uint64 { return 0 }
