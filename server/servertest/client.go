package servertest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Response is what a test reads back.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object.
func (r Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// ErrorCode reads the uniform error body's code, failing the test when
// the body is not one or has no message.
func (r Response) ErrorCode(t testing.TB) string {
	t.Helper()
	e, _ := r.JSON(t)["error"].(map[string]any)
	if e == nil {
		t.Fatalf("no error object in %s", r.Body)
	}
	if msg, _ := e["message"].(string); msg == "" {
		t.Fatalf("error without message: %s", r.Body)
	}
	code, _ := e["code"].(string)
	return code
}

// ErrorField reads the uniform error body's field.
func (r Response) ErrorField(t testing.TB) string {
	t.Helper()
	e, _ := r.JSON(t)["error"].(map[string]any)
	field, _ := e["field"].(string)
	return field
}

// ExpectStatus fails the test unless r has status want.
func ExpectStatus(t testing.TB, r Response, want int) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("status %d, want %d; body: %s", r.Status, want, r.Body)
	}
}

// adminBodyLimit is the server's limit of admin API bodies.
const adminBodyLimit = 1 << 20

// Request sends a real HTTP request to the listening app over loopback.
// body is sent as is when it is a string or []byte, JSON-encoded
// otherwise; headers come in pairs.
func (ts *Server) Request(method, path string, body any, headers ...string) Response {
	ts.T.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			ts.T.Fatal(err)
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.Base+path, r)
	if err != nil {
		ts.T.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	var resp *http.Response
	if req.ContentLength > adminBodyLimit {
		resp, err = ts.announceOversized(req)
	} else {
		resp, err = Client.Do(req)
	}
	if err != nil {
		ts.T.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return Response{Status: resp.StatusCode, Header: resp.Header, Body: data}
}

// announceOversized sends only the head of a request whose Content-Length
// is over the server's limit and reads the answer. The server refuses from
// the head alone and closes; a client still writing megabytes at that moment
// would see a reset instead of the 413, which is a race, not a behaviour.
func (ts *Server) announceOversized(req *http.Request) (*http.Response, error) {
	conn, err := net.Dial("tcp", req.URL.Host)
	if err != nil {
		return nil, err
	}
	ts.T.Cleanup(func() { conn.Close() })
	head := fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: %d\r\n", req.Method, req.URL.RequestURI(), req.URL.Host, req.ContentLength)
	if _, err := io.WriteString(conn, head); err != nil {
		return nil, err
	}
	if err := req.Header.Write(conn); err != nil {
		return nil, err
	}
	if _, err := io.WriteString(conn, "\r\n"); err != nil {
		return nil, err
	}
	return http.ReadResponse(bufio.NewReader(conn), req)
}

// Client never follows redirects: tests look at what the server says.
var Client = &http.Client{
	Timeout:       10 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// Admin sends a request with the operator's token.
func (ts *Server) Admin(method, path string, body any, headers ...string) Response {
	ts.T.Helper()
	return ts.Request(method, path, body, append([]string{"Authorization", "Bearer " + AdminToken}, headers...)...)
}

// CreateSite makes a site through the API (Europe/Moscow, ru, RU; origin
// https://shop.example unless others are given) and returns its JSON.
func (ts *Server) CreateSite(name string, origins ...string) map[string]any {
	ts.T.Helper()
	if len(origins) == 0 {
		origins = []string{"https://shop.example"}
	}
	r := ts.Admin("POST", "/api/v1/sites", map[string]any{"name": name, "origins": origins,
		"timezone": "Europe/Moscow", "locale": "ru", "region": "RU"})
	ExpectStatus(ts.T, r, http.StatusCreated)
	return r.JSON(ts.T)
}

// CreateWidget makes a widget through the API and returns its JSON.
func (ts *Server) CreateWidget(siteID string, body any) map[string]any {
	ts.T.Helper()
	r := ts.Admin("POST", "/api/v1/sites/"+siteID+"/widgets", body)
	ExpectStatus(ts.T, r, http.StatusCreated)
	return r.JSON(ts.T)
}

// CreateKey makes a site API key with scopes and returns its secret.
func (ts *Server) CreateKey(siteID string, scopes ...string) string {
	ts.T.Helper()
	r := ts.Admin("POST", "/api/v1/sites/"+siteID+"/keys", map[string]any{"name": "crm", "scopes": scopes})
	ExpectStatus(ts.T, r, http.StatusCreated)
	return r.JSON(ts.T)["secret"].(string)
}

// AdminCall sends an operator's request to a full URL and decodes the
// answer into out (when not nil), failing the test on any status ≥ 300.
func AdminCall(t testing.TB, method, url string, body, out any) {
	t.Helper()
	var raw []byte
	if body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+AdminToken)
	req.Header.Set("Content-Type", "application/json")
	res, err := Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("%s %s: status %d", method, url, res.StatusCode)
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
}
