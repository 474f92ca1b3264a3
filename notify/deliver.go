package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	mathrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/beckonhq/beckon/store"
)

const (
	maxRedirects     = 3
	maxResponseBytes = 64 << 10 // read (and discard) at most this much of a reply
	userAgent        = "Beckon-Webhooks/1"
)

var (
	errTooManyRedirects = fmt.Errorf("notify: more than %d redirects", maxRedirects)
	errRedirectToGet    = errors.New("notify: the redirect would turn the POST into a GET and drop the body (only 307 and 308 are followed); update the webhook URL")
)

// httpClient makes the attempts; the address guard lives in its dialer, so
// no request can get around it (see guardDial).
type httpClient struct {
	*http.Client
	timeout time.Duration
}

func newHTTPClient(allowPrivate bool, timeout time.Duration) *httpClient {
	dialer := &net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}
	if !allowPrivate {
		dialer.Control = guardDial
	}
	return &httpClient{timeout: timeout, Client: &http.Client{
		Transport: &http.Transport{
			// No proxy, deliberately: through a proxy the dialer would
			// check the proxy's address, not the receiver's.
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			ForceAttemptHTTP2:      true,
			TLSHandshakeTimeout:    timeout,
			ResponseHeaderTimeout:  timeout,
			MaxResponseHeaderBytes: 64 << 10,
			MaxIdleConns:           64,
			MaxIdleConnsPerHost:    2,
			IdleConnTimeout:        90 * time.Second,
		},
		CheckRedirect: checkRedirect,
	}}
}

// checkRedirect follows at most maxRedirects redirects, and only those that
// keep the POST and its body (307, 308). Where a redirect leads is checked
// by the dialer like any other connection.
func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errTooManyRedirects
	}
	if req.Method != via[0].Method {
		return errRedirectToGet
	}
	return nil
}

// attemptResult is how one attempt went.
type attemptResult struct {
	outcome    string // OutcomeOK, resultRetry, OutcomeFailed, OutcomeRefused, OutcomeCancelled
	status     int    // the receiver's HTTP status; 0 when none came
	retryAfter time.Duration
	err        error
}

// deliver posts n's body to hook, signed with this attempt's timestamp.
func (s *Sender) deliver(ctx context.Context, n store.Notification, hook Webhook) attemptResult {
	if err := CheckURL(hook.URL, true); err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("notify_url %w", err)}
	}
	key, err := parseSecret(hook.Secret)
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("notify_secret: %w", err)}
	}
	ctx, cancel := context.WithTimeout(ctx, s.client.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(n.Body))
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: err}
	}
	unix := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set(HeaderID, n.ID)
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(unix, 10))
	req.Header.Set(HeaderSignature, "v1,"+base64.StdEncoding.EncodeToString(mac(key, n.ID, unix, n.Body)))

	resp, err := s.client.Do(req)
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		return attemptResult{outcome: OutcomeRefused, err: err}
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errRedirectToGet):
		return attemptResult{outcome: OutcomeFailed, err: err}
	case err != nil:
		return attemptResult{outcome: resultRetry, err: err} // network trouble, timeouts
	}
	defer resp.Body.Close()
	// Read a bounded amount so the connection can be reused without letting
	// a receiver make us read forever.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes))
	res := attemptResult{status: resp.StatusCode}
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		res.outcome = OutcomeOK
		return res
	case code == http.StatusRequestTimeout, code == http.StatusTooManyRequests, code >= 500:
		// Worth asking again; other answers (404, 410 Gone …) will not
		// change by asking again: the owner fixes the receiver and replays.
		res.outcome = resultRetry
		res.retryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
	default:
		res.outcome = OutcomeFailed
	}
	res.err = fmt.Errorf("receiver answered %s", resp.Status)
	return res
}

// parseRetryAfter reads Retry-After as seconds or an HTTP date; 0 when
// absent, malformed or in the past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// jitter spreads d by ±20 % so receivers that failed together are not
// retried together.
func jitter(d time.Duration) time.Duration {
	return time.Duration(float64(d) * (0.8 + 0.4*mathrand.Float64()))
}

// hostOf is the host of a webhook URL, for logs.
func hostOf(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Host
	}
	return ""
}
