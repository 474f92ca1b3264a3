// Package twilio is the Twilio telephony provider of the callback bridge.
//
// It places the manager's call with the Calls API, answers Twilio's webhooks
// with TwiML and turns what Twilio tells into callback events. Everything a
// webhook needs to know travels in the webhook's own URL (the leg, the confirm
// digit, the language), so any replica behind a load balancer can answer any
// webhook, and a restarted process loses nothing.
//
// One attempt, as Twilio sees it:
//
//	CallManager      POST Calls.json {To: manager, Url: answer, StatusCallback: status}
//	answer           Report(ManagerAnswered)  → <Gather action=confirm><Say>whisper</Say></Gather>
//	confirm          Report(ManagerConfirmed) → <Say/><Dial action=dialed><Number statusCallback=visitor-status>visitor</Number></Dial>
//	visitor-status   Report(VisitorRinging | VisitorPickedUp | VisitorAnswered | VisitorEnded)
//	amd              Report(VisitorAnswered), or Report(VisitorEnded machine) and hang the visitor's leg up
//	dialed           Report(VisitorEnded) → <Say/><Hangup/>
//	status           Report(ManagerRinging | ManagerEnded)
package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"time"

	twclient "github.com/twilio/twilio-go/client"
	twapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/beckonhq/beckon/callback"
)

// Options configure the provider.
type Options struct {
	AccountSID string
	AuthToken  string
	// From is the caller id of every manager's leg (a Twilio number or a
	// verified caller id); it is also the visitor leg's caller id when the
	// reply names none (the widget has no caller_id).
	From string
	// PublicURL is Beckon's public base URL (BECKON_PUBLIC_URL), with any
	// path prefix a reverse proxy adds. Webhook URLs are built from it and
	// signatures are checked against it, so the provider works behind a
	// proxy that rewrites the host or strips a prefix.
	PublicURL string
	// APIBaseURL replaces https://api.twilio.com (tests: the fake's URL).
	APIBaseURL string
	// HTTPClient's Transport and Timeout are used for the REST API
	// (default: http.DefaultTransport, 10s).
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Voices picks a Twilio voice per language (ru, uk, en), e.g.
	// {"uk": "Google.uk-UA-Standard-B"}; a language left out speaks in
	// DefaultVoices' voice.
	Voices map[string]string
}

// Provider is the Twilio callback.Provider.
type Provider struct {
	opts      Options
	public    string   // PublicURL without a trailing slash
	base      *url.URL // APIBaseURL; nil: Twilio's
	next      http.RoundTripper
	timeout   time.Duration
	validator twclient.RequestValidator
	log       *slog.Logger
	voices    map[string]string // <Say voice> per language
}

var _ callback.Provider = (*Provider)(nil)

const (
	defaultAPITimeout = 10 * time.Second
	// reportTimeout bounds one Reporter.Report; Twilio gives a webhook 15s.
	reportTimeout = 10 * time.Second
)

// DefaultVoices are the <Say voice> of each language. A voice is pinned
// because Twilio's default ("man") cannot speak ru or uk and a voice that
// does not match the language can make <Say> fail.
var DefaultVoices = map[string]string{
	"ru": "Google.ru-RU-Standard-A",
	"uk": "Google.uk-UA-Standard-A",
	"en": "Google.en-US-Standard-C",
}

// New checks opts and returns a provider. It makes no request.
func New(opts Options) (*Provider, error) {
	if opts.AccountSID == "" || opts.AuthToken == "" {
		return nil, errors.New("twilio: account SID and auth token are required")
	}
	pub, err := url.Parse(opts.PublicURL)
	if err != nil || (pub.Scheme != "http" && pub.Scheme != "https") || pub.Host == "" {
		return nil, fmt.Errorf("twilio: public URL %q is not an absolute http(s) URL", opts.PublicURL)
	}
	p := &Provider{
		opts:      opts,
		public:    strings.TrimRight(opts.PublicURL, "/"),
		next:      http.DefaultTransport,
		timeout:   defaultAPITimeout,
		validator: twclient.NewRequestValidator(opts.AuthToken),
		log:       opts.Logger,
		voices:    maps.Clone(DefaultVoices),
	}
	for lang, v := range opts.Voices {
		if _, ok := DefaultVoices[lang]; !ok {
			return nil, fmt.Errorf("twilio: voice for %q: languages are ru, uk and en", lang)
		}
		if v = strings.TrimSpace(v); v != "" {
			p.voices[lang] = v
		}
	}
	if opts.APIBaseURL != "" {
		b, err := url.Parse(opts.APIBaseURL)
		if err != nil || b.Scheme == "" || b.Host == "" {
			return nil, fmt.Errorf("twilio: API base URL %q is not an absolute URL", opts.APIBaseURL)
		}
		p.base = b
	}
	if c := opts.HTTPClient; c != nil {
		if c.Transport != nil {
			p.next = c.Transport
		}
		if c.Timeout > 0 {
			p.timeout = c.Timeout
		}
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	p.log = p.log.With(slog.String("provider", "twilio"))
	return p, nil
}

// Name is "twilio".
func (p *Provider) Name() string { return "twilio" }

// statusEvents are the call progress events asked for on both legs.
var statusEvents = []string{"initiated", "ringing", "answered", "completed"}

// CallManager creates the manager's call. Twilio fetches the answer webhook
// when the manager picks up and posts progress to the status webhook.
func (p *Provider) CallManager(ctx context.Context, call callback.ManagerCall) (string, error) {
	if call.ManagerPhone == "" {
		return "", errors.New("twilio: call manager: no phone number")
	}
	// Managers see the account's own number, whatever the widget shows
	// visitors: they learn it as "the callback line".
	from := p.opts.From
	if from == "" {
		return "", errors.New("twilio: call manager: no caller id (set the provider's From, BECKON_TWILIO_FROM)")
	}
	q := refQuery(call.Ref)
	answer := copyQuery(q)
	if call.ConfirmDigit != "" {
		answer.Set(qDigit, call.ConfirmDigit)
	}
	if call.Language != "" {
		answer.Set(qLang, call.Language)
	}

	params := &twapi.CreateCallParams{}
	params.SetTo(call.ManagerPhone).
		SetFrom(from).
		SetUrl(p.hookURL(hookAnswer, answer)).
		SetMethod(http.MethodPost).
		SetStatusCallback(p.hookURL(hookStatus, q)).
		SetStatusCallbackEvent(statusEvents).
		SetStatusCallbackMethod(http.MethodPost)
	if s := seconds(call.RingTimeout, 1, 600); s > 0 {
		params.SetTimeout(s)
	}

	var sid string
	err := p.do(ctx, func(api *twapi.ApiService) error {
		c, err := api.CreateCall(params)
		if err != nil {
			return err
		}
		if c.Sid == nil || *c.Sid == "" {
			return errors.New("the response has no call sid")
		}
		sid = *c.Sid
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("twilio: call manager: %w", err)
	}
	p.log.Debug("manager call created", slog.String("call_sid", sid),
		slog.String("site_id", call.Ref.SiteID), slog.String("callback_id", call.Ref.CallbackID),
		slog.String("leg_id", call.Ref.LegID))
	return sid, nil
}

// Hangup ends a call, ringing or in progress. A call that already ended, or
// that Twilio does not know, needs no hanging up: that is not an error.
func (p *Provider) Hangup(ctx context.Context, callID string) error {
	if !validSid(callID) {
		return fmt.Errorf("twilio: hang up %q: %w", callID, callback.ErrUnknownCall)
	}
	params := &twapi.UpdateCallParams{}
	params.SetStatus("completed")
	err := p.do(ctx, func(api *twapi.ApiService) error {
		_, err := api.UpdateCall(callID, params)
		return err
	})
	switch {
	case err == nil:
		return nil
	case restCode(err) == codeCallNotInProgress, isNotFound(err):
		p.log.Debug("hang up: the call is not running", slog.String("call_sid", callID), slog.Any("err", err))
		return nil
	default:
		return fmt.Errorf("twilio: hang up %s: %w", callID, err)
	}
}

// CallState fetches a call. A call Twilio does not know gives
// callback.ErrUnknownCall.
func (p *Provider) CallState(ctx context.Context, callID string) (callback.CallState, error) {
	if !validSid(callID) {
		return callback.CallState{}, fmt.Errorf("twilio: call state %q: %w", callID, callback.ErrUnknownCall)
	}
	var c *twapi.ApiV2010Call
	err := p.do(ctx, func(api *twapi.ApiService) error {
		var err error
		c, err = api.FetchCall(callID, nil)
		return err
	})
	if isNotFound(err) {
		return callback.CallState{}, fmt.Errorf("twilio: call state %s: %w", callID, callback.ErrUnknownCall)
	}
	if err != nil {
		return callback.CallState{}, fmt.Errorf("twilio: call state %s: %w", callID, err)
	}
	out, ended := outcomeOf(deref(c.Status), deref(c.AnsweredBy))
	if !ended {
		return callback.CallState{}, nil
	}
	return callback.CallState{Ended: true, Outcome: out}, nil
}

// outcomeOf maps a Twilio call status (CallStatus, DialCallStatus, a call
// resource's status) to an outcome; ended is false while the call runs or
// when the status is unknown (an unknown word must never end a live call).
func outcomeOf(status, answeredBy string) (out callback.Outcome, ended bool) {
	switch status {
	case "completed", "answered":
		if isMachine(answeredBy) {
			return callback.OutcomeMachine, true
		}
		return callback.OutcomeCompleted, true
	case "busy":
		return callback.OutcomeBusy, true
	case "no-answer":
		return callback.OutcomeNoAnswer, true
	case "failed":
		return callback.OutcomeFailed, true
	case "canceled":
		return callback.OutcomeCanceled, true
	}
	return "", false
}

// isMachine tells whether Twilio's AnsweredBy names a machine: machine_start,
// machine_end_beep, machine_end_silence, machine_end_other, or fax.
func isMachine(answeredBy string) bool {
	return strings.HasPrefix(answeredBy, "machine_") || answeredBy == "fax"
}

// Twilio's error codes the provider looks at.
const (
	codeNotFound          = 20404
	codeCallNotInProgress = 21220 // a realtime operation on a call that is not in progress
)

func restCode(err error) int {
	var re *twclient.TwilioRestError
	if errors.As(err, &re) {
		return re.Code
	}
	return 0
}

func isNotFound(err error) bool {
	var re *twclient.TwilioRestError
	return errors.As(err, &re) && (re.Status == http.StatusNotFound || re.Code == codeNotFound)
}

// validSid accepts what a Twilio sid looks like, so an id from elsewhere
// cannot steer the request to another REST path.
func validSid(s string) bool {
	if len(s) < 3 || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// do runs one REST call under ctx and the provider's timeout.
//
// twilio-go takes no context and has no base URL setting (api.twilio.com is
// fixed in each ApiService); both go in through the HTTP client: a
// per-call client.Client whose transport puts ctx on the request and, for
// tests, points it at APIBaseURL. The client is cheap to build.
func (p *Provider) do(ctx context.Context, fn func(*twapi.ApiService) error) error {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	// Cancelling also frees the connection of an error response, whose body
	// twilio-go does not close.
	defer cancel()
	c := &twclient.Client{
		Credentials: twclient.NewCredentials(p.opts.AccountSID, p.opts.AuthToken),
		HTTPClient: &http.Client{
			Transport: &ctxTransport{ctx: ctx, base: p.base, next: p.next},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
	}
	c.SetAccountSid(p.opts.AccountSID)
	return fn(twapi.NewApiServiceWithClient(c))
}

// ctxTransport sends twilio-go's requests with ctx, to base when set.
type ctxTransport struct {
	ctx  context.Context
	base *url.URL
	next http.RoundTripper
}

func (t *ctxTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	r := req.Clone(t.ctx)
	if t.base != nil {
		r.URL.Scheme = t.base.Scheme
		r.URL.Host = t.base.Host
		r.URL.Path = strings.TrimRight(t.base.Path, "/") + r.URL.Path
		r.URL.RawPath = ""
		r.Host = ""
	}
	return t.next.RoundTrip(r)
}

// seconds rounds d up to whole seconds within [lo, hi]; 0 stays 0.
func seconds(d time.Duration, lo, hi int) int {
	if d <= 0 {
		return 0
	}
	s := int((d + time.Second - 1) / time.Second)
	return min(max(s, lo), hi)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
