//go:build !race

package codepools_test

const raceEnabled = false
