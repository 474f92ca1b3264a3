//go:build race

package codepools_test

// raceEnabled: the race detector slows the tests' stores many times over.
const raceEnabled = true
