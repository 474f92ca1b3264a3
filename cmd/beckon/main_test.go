package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// These tests run the real binary: what an operator gets from
// `go run ./cmd/beckon`.

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "beckon")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

type process struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	addr   string
}

// syncBuffer collects the child's output, written by exec's copying
// goroutine while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start runs the binary on dataDir and waits until /healthz answers.
func start(t *testing.T, bin, dataDir string, env ...string) *process {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), "BECKON_ADDR="+addr, "BECKON_DATA_DIR="+dataDir, "BECKON_REDIS_URL=", "BECKON_ADMIN_TOKEN=")
	cmd.Env = append(cmd.Env, env...)
	stdout := &syncBuffer{}
	cmd.Stdout = stdout
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &process{cmd: cmd, stdout: stdout, addr: addr}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not become healthy; stdout:\n%s", stdout.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (p *process) do(t *testing.T, method, path, token, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, "http://"+p.addr+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	json.NewDecoder(resp.Body).Decode(&m)
	return resp.StatusCode, m
}

var tokenLine = regexp.MustCompile(`(?m)^\s+(bka_[a-z2-7]+)\s*$`)

func TestFirstStartPrintsTokenAndDemoOnce(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	p := start(t, bin, dir)
	first := p.stdout.String()
	m := tokenLine.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("first start did not print an admin token:\n%s", first)
	}
	if !strings.Contains(first, "/demo") || !strings.Contains(first, `data-site="`) {
		t.Fatalf("first start did not print the demo snippet:\n%s", first)
	}
	status, sites := p.do(t, "GET", "/api/v1/sites", m[1], "")
	if status != 200 || len(sites["sites"].([]any)) != 1 {
		t.Fatalf("the printed token does not work or no demo site: %d %v", status, sites)
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	p.cmd.Wait()

	again := start(t, bin, dir)
	if strings.Contains(again.stdout.String(), "bka_") || strings.Contains(again.stdout.String(), "Demo site created") {
		t.Fatalf("second start printed the token or made a demo site again:\n%s", again.stdout.String())
	}
	if status, _ := again.do(t, "GET", "/api/v1/sites", m[1], ""); status != 200 {
		t.Fatalf("token from the first start no longer works: %d", status)
	}
}

// TestAcknowledgedWritesSurviveKill9: every write that got a 2xx is there
// after the process is killed without any chance to clean up.
func TestAcknowledgedWritesSurviveKill9(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	p := start(t, bin, dir, "BECKON_ADMIN_TOKEN=tok")
	var ids []string
	for i := 0; i < 20; i++ {
		status, site := p.do(t, "POST", "/api/v1/sites", "tok",
			fmt.Sprintf(`{"name":"Shop %d","origins":["https://s%d.example"],"timezone":"UTC","locale":"en","region":"US"}`, i, i))
		if status != 201 {
			t.Fatalf("create: %d %v", status, site)
		}
		ids = append(ids, site["id"].(string))
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	p.cmd.Wait()

	again := start(t, bin, dir, "BECKON_ADMIN_TOKEN=tok")
	for _, id := range ids {
		if status, _ := again.do(t, "GET", "/api/v1/sites/"+id, "tok", ""); status != 200 {
			t.Fatalf("site %s acknowledged before kill -9 is gone: %d", id, status)
		}
	}
}

// TestGracefulShutdown: SIGTERM lets an in-flight request finish and the
// process exit 0.
func TestGracefulShutdown(t *testing.T) {
	bin := buildBinary(t)
	p := start(t, bin, t.TempDir(), "BECKON_ADMIN_TOKEN=tok")
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// Send the headers of a request but hold back its body, so the request is
	// in flight when SIGTERM arrives.
	body := `{"name":"Late","origins":["https://late.example"],"timezone":"UTC","locale":"en","region":"US"}`
	fmt.Fprintf(conn, "POST /api/v1/sites HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	time.Sleep(100 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	fmt.Fprint(conn, body)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("in-flight request was cut off: %v", err)
	}
	if resp.StatusCode != 201 {
		t.Fatalf("in-flight request: %s", resp.Status)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
	if _, err := net.DialTimeout("tcp", p.addr, time.Second); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}
