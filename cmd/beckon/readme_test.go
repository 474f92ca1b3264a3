package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// readmeCommands returns the curl commands of README.md's sh blocks, each
// with its continuation lines joined.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cmds []string
	inSh := false
	for _, block := range strings.Split(strings.ReplaceAll(string(readme), "\\\n", " "), "\n") {
		line := strings.TrimSpace(block)
		switch {
		case strings.HasPrefix(line, "```"):
			inSh = line == "```sh"
		case inSh && strings.HasPrefix(line, "curl "):
			cmds = append(cmds, line)
		}
	}
	return cmds
}

// shellWords splits a command line as sh would for the forms the README
// uses: 'single', "double" with $VAR, bare words with $VAR, # comments.
func shellWords(t *testing.T, line string, vars map[string]string) []string {
	t.Helper()
	var words []string
	var word strings.Builder
	inWord := false
	expand := func(s string, i int) int { // at s[i] == '$': append the variable, return the next index
		j := i + 1
		for j < len(s) && (s[j] == '_' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9') {
			j++
		}
		v, ok := vars[s[i+1:j]]
		if !ok {
			t.Fatalf("README command uses $%s, which the test does not know: %s", s[i+1:j], line)
		}
		word.WriteString(v)
		return j
	}
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, word.String()), false
				word.Reset()
			}
			i++
		case c == '#' && !inWord:
			i = len(line)
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				t.Fatalf("unclosed ' in %s", line)
			}
			word.WriteString(line[i+1 : i+1+end])
			inWord, i = true, i+end+2
		case c == '"':
			inWord = true
			for i++; i < len(line) && line[i] != '"'; {
				switch {
				case line[i] == '\\' && i+1 < len(line):
					word.WriteByte(line[i+1])
					i += 2
				case line[i] == '$':
					i = expand(line, i)
				default:
					word.WriteByte(line[i])
					i++
				}
			}
			i++
		case c == '$':
			inWord, i = true, expand(line, i)
		default:
			word.WriteByte(c)
			inWord, i = true, i+1
		}
	}
	if inWord {
		words = append(words, word.String())
	}
	return words
}

// runCurl runs args (without "curl") with the curl binary, or where there
// is none, as the same HTTP request curl would send.
func runCurl(t *testing.T, args []string) (status int, body []byte) {
	t.Helper()
	if path, err := exec.LookPath("curl"); err == nil {
		out, err := exec.Command(path, append(args, "--max-time", "10", "-w", "\n%{http_code}")...).Output()
		if err != nil {
			t.Fatalf("curl %q: %v", args, err)
		}
		i := bytes.LastIndexByte(out, '\n')
		status, _ = strconv.Atoi(string(out[i+1:]))
		return status, out[:i]
	}
	method, url, headers := "", "", http.Header{}
	var data *string
	for i := 0; i < len(args); i++ {
		switch a := args[i]; a {
		case "-s", "--silent":
		case "-X", "--request":
			i++
			method = args[i]
		case "-H", "--header":
			i++
			name, value, _ := strings.Cut(args[i], ":")
			headers.Set(name, strings.TrimSpace(value))
		case "-d", "--data":
			i++
			data = &args[i]
		default:
			if strings.HasPrefix(a, "-") {
				t.Fatalf("the test cannot translate curl's %s; install curl or teach runCurl", a)
			}
			url = a
		}
	}
	if !strings.Contains(url, "://") {
		url = "http://" + url
	}
	var r io.Reader
	if data != nil {
		r = strings.NewReader(*data)
		if method == "" {
			method = "POST"
		}
		if headers.Get("Content-Type") == "" {
			headers.Set("Content-Type", "application/x-www-form-urlencoded") // what curl -d sends
		}
	}
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header = headers
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ = io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// TestREADMECommandsWork pastes the README's curl commands, in order, into
// a first start of the binary: the token is the one it printed, SITE_ID and
// SITE_KEY come from the site the first command made, localhost:8080 is
// where the server listens. Each must succeed.
func TestREADMECommandsWork(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 3 {
		t.Fatalf("README.md has %d curl commands; expected the admin API walk-through", len(cmds))
	}
	bin := buildBinary(t)
	p := start(t, bin, t.TempDir())
	waitOutput(t, p, "bka_")
	token := tokenLine.FindStringSubmatch(p.stdout.String())
	if token == nil {
		t.Fatalf("no admin token printed:\n%s", p.stdout.String())
	}
	vars := map[string]string{"TOKEN": token[1]}
	placeholders := map[string]string{"localhost:8080": p.addr}
	for _, line := range cmds {
		args := shellWords(t, line, vars)[1:]
		for i := range args {
			for from, to := range placeholders {
				args[i] = strings.ReplaceAll(args[i], from, to)
			}
			if strings.Contains(args[i], "SITE_") && placeholders["SITE_ID"] == "" {
				t.Fatalf("%s uses SITE_ID or SITE_KEY before a command made a site", line)
			}
		}
		status, body := runCurl(t, args)
		if status < 200 || status > 299 {
			t.Fatalf("README command failed with %d: %s\n%s", status, line, body)
		}
		var site struct{ ID, Key string }
		if json.Unmarshal(body, &site) == nil && strings.HasPrefix(site.ID, "site_") && placeholders["SITE_ID"] == "" {
			placeholders["SITE_ID"], placeholders["SITE_KEY"] = site.ID, site.Key
		}
	}
}
