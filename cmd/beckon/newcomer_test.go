package main

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// These tests walk what a newcomer does: read the help, start the server on
// a port of their choice, open the demo, paste the README's commands.

// TestHelpExitsZeroAndHidesSecrets: `beckon serve -h` lists the flags,
// exits 0 and never prints a secret taken from the environment.
func TestHelpExitsZeroAndHidesSecrets(t *testing.T) {
	bin := buildBinary(t)
	for _, args := range [][]string{{"serve", "-h"}, {"-h"}, {"--help"}, {"help"}} {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "BECKON_ADMIN_TOKEN=admin-s3cret", "BECKON_TWILIO_AUTH_TOKEN=twilio-s3cret",
			"BECKON_REDIS_URL=redis://beckon:redis-s3cret@127.0.0.1:1/0")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("beckon %v: %v\n%s", args, err, out)
		}
		for _, secret := range []string{"admin-s3cret", "twilio-s3cret", "redis-s3cret"} {
			if strings.Contains(string(out), secret) {
				t.Fatalf("beckon %v printed the secret %q:\n%s", args, secret, out)
			}
		}
		if !strings.Contains(string(out), "-addr  $BECKON_ADDR") || !strings.Contains(string(out), "-admin-token") {
			t.Fatalf("beckon %v: no flag list:\n%s", args, out)
		}
	}
	out, err := exec.Command(bin, "serve", "-no-such-flag").CombinedOutput()
	if code := exitCode(err); code != 1 || !strings.Contains(string(out), "-no-such-flag") {
		t.Fatalf("an unknown flag: exit %d, %s", code, out)
	}
}

func exitCode(err error) int {
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

var dataSite = regexp.MustCompile(`data-site="([a-z2-7]+)"`)

// waitOutput polls the child's stdout for want: it is copied by another
// goroutine, so it may trail /healthz answering.
func waitOutput(t *testing.T, p *process, want string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.stdout.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("stdout lacks %q:\n%s", want, p.stdout.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// demoConfigStatus is what the demo page's loader gets when it asks for
// the demo site's config from origin.
func demoConfigStatus(t *testing.T, p *process, origin string) int {
	t.Helper()
	page, err := http.Get("http://" + p.addr + "/demo")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	m := dataSite.FindSubmatch(body)
	if m == nil {
		t.Fatalf("demo page has no snippet:\n%s", body)
	}
	req, _ := http.NewRequest("GET", "http://"+p.addr+"/w/v1/"+string(m[1])+"/config", nil)
	req.Header.Set("Origin", origin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestDemoFollowsTheAddress: the first start prints the URL the server
// listens on, not localhost:8080; after a restart on another port, or with
// another public URL, the demo page's own requests are still served.
func TestDemoFollowsTheAddress(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	stop := func(p *process) {
		p.cmd.Process.Signal(syscall.SIGTERM)
		p.cmd.Wait()
	}

	first := start(t, bin, dir)
	firstOrigin := "http://" + first.addr
	waitOutput(t, first, "Open "+firstOrigin+"/demo")
	// The first-run path the start prints (and README promises) leads to
	// the first account's setup, which asks for the admin token.
	waitOutput(t, first, "Then open "+firstOrigin+"/app and sign in with the admin token")
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if r, err := noRedirect.Get(firstOrigin + "/app"); err != nil || r.StatusCode/100 != 3 {
		t.Fatalf("GET %s/app: %v %v", firstOrigin, r, err)
	}
	if r, err := http.Get(firstOrigin + "/app"); err != nil || r.StatusCode != http.StatusOK || r.Request.URL.Path != "/app/setup" {
		t.Fatalf("GET %s/app does not lead to the setup: %v %v", firstOrigin, r, err)
	}
	if got := demoConfigStatus(t, first, firstOrigin); got != http.StatusOK {
		t.Fatalf("first start: the demo's config from %s: %d", firstOrigin, got)
	}
	stop(first)

	moved := start(t, bin, dir) // another free port, same data
	_, port, _ := strings.Cut(moved.addr, ":")
	for origin, want := range map[string]int{
		"http://" + moved.addr:     http.StatusOK,
		"http://localhost:" + port: http.StatusOK, // the same machine by another name
		firstOrigin:                http.StatusForbidden,
	} {
		if got := demoConfigStatus(t, moved, origin); got != want {
			t.Fatalf("after moving to %s: the demo's config from %s: %d, want %d", moved.addr, origin, got, want)
		}
	}
	stop(moved)

	proxied := start(t, bin, dir, "BECKON_PUBLIC_URL=https://Beckon.Example:443/")
	for origin, want := range map[string]int{"https://beckon.example": http.StatusOK, "http://" + moved.addr: http.StatusForbidden} {
		if got := demoConfigStatus(t, proxied, origin); got != want {
			t.Fatalf("behind https://beckon.example: the demo's config from %s: %d, want %d", origin, got, want)
		}
	}
}
