package main

import (
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestSocketFloodUnderLowFileLimit: with `ulimit -n 256`, twice that many
// idle connections neither stop the server nor keep it from serving once
// they close.
func TestSocketFloodUnderLowFileLimit(t *testing.T) {
	bin := buildBinary(t)
	wrapper := filepath.Join(t.TempDir(), "beckon-ulimit")
	script := "#!/bin/sh\nulimit -n 256 || exit 1\nexec " + bin + " \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	p := start(t, wrapper, t.TempDir(), "BECKON_ADMIN_TOKEN=tok")

	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	for i := 0; i < 512; i++ {
		c, err := net.DialTimeout("tcp", p.addr, 2*time.Second)
		if err != nil {
			break // the backlog is full: the flood has done what it can
		}
		flood = append(flood, c)
	}
	if len(flood) < 300 {
		t.Fatalf("only %d connections opened; the flood must pass the limit of 256", len(flood))
	}
	for _, c := range flood {
		c.Close()
	}
	flood = nil

	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + p.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not serving 10 s after the flood closed: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if p.cmd.ProcessState != nil {
		t.Fatalf("the server exited: %v", p.cmd.ProcessState)
	}
}
