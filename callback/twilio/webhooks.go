package twilio

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	twapi "github.com/twilio/twilio-go/rest/api/v2010"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/i18n"
	"github.com/beckonhq/beckon/widgets"
)

// Mount registers Twilio's webhooks, all POST, under /hooks/twilio/:
//
//	answer          the manager picked up: ManagerAnswered; TwiML from the reply
//	confirm         <Gather> action: the right digit reports ManagerConfirmed
//	                (TwiML from the reply); a wrong one asks once more
//	dialed          <Dial> action: VisitorEnded (DialCallStatus); TwiML from the reply
//	status          the manager's call progress: ManagerRinging, ManagerEnded
//	visitor-status  the visitor's call progress: VisitorRinging, VisitorPickedUp
//	                (detection still listens), VisitorAnswered, VisitorEnded
//	amd             machine detection's verdict on the visitor's leg: a person
//	                is VisitorAnswered; a machine is VisitorEnded, then hung up
//	visitor-notice  the visitor answered a recorded call: "may be recorded"
//
// r must be the app's root router: Twilio is given PublicURL + the paths
// above. Every webhook first checks X-Twilio-Signature against PublicURL +
// the request's path and query and the form; a missing or wrong signature
// gets 403 and reports nothing. A failed Report gets 500.
func (p *Provider) Mount(r widgets.Router, rep callback.Reporter) {
	h := &hooks{p: p, rep: rep}
	r.Add(fiber.MethodPost, hookPrefix+hookAnswer, h.handle(hookAnswer, h.answer))
	r.Add(fiber.MethodPost, hookPrefix+hookConfirm, h.handle(hookConfirm, h.confirm))
	r.Add(fiber.MethodPost, hookPrefix+hookDialed, h.handle(hookDialed, h.dialed))
	r.Add(fiber.MethodPost, hookPrefix+hookStatus, h.handle(hookStatus, h.status))
	r.Add(fiber.MethodPost, hookPrefix+hookVisitorStatus, h.handle(hookVisitorStatus, h.visitorStatus))
	r.Add(fiber.MethodPost, hookPrefix+hookAMD, h.handle(hookAMD, h.amd))
	r.Add(fiber.MethodPost, hookPrefix+hookVisitorNotice, h.handle(hookVisitorNotice, h.visitorNotice))
}

// visitorNotice: the visitor answered a recorded call; before the bridge
// they hear that it may be recorded (the <Number url> of the <Dial>).
func (h *hooks) visitorNotice(c *fiber.Ctx, w *webhook) error {
	var t twiml
	lang := w.query.Get(qLang)
	t.say(h.p, lang, phrase(lang).Recorded)
	return sendTwiML(c, t.bytes())
}

type hooks struct {
	p   *Provider
	rep callback.Reporter
}

// webhook is one verified request from Twilio.
type webhook struct {
	name  string
	form  map[string]string // Twilio's parameters
	query url.Values        // ours, from the URL we gave Twilio
	ref   callback.LegRef
}

// providerAt is when Twilio says the event happened: status callbacks
// carry a Timestamp, in whole seconds of Twilio's clock. Zero when absent.
func (w *webhook) providerAt() time.Time {
	if ts := w.form["Timestamp"]; ts != "" {
		if t, err := time.Parse(time.RFC1123Z, ts); err == nil {
			return t
		}
	}
	return time.Time{}
}

func (w *webhook) attrs() []any {
	return []any{
		slog.String("webhook", w.name), slog.String("call_sid", w.form["CallSid"]),
		slog.String("site_id", w.ref.SiteID), slog.String("callback_id", w.ref.CallbackID),
		slog.String("leg_id", w.ref.LegID),
	}
}

func (h *hooks) handle(name string, fn func(*fiber.Ctx, *webhook) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		w, ok := h.verify(c, name)
		if !ok {
			h.p.log.Warn("twilio webhook with a missing or wrong signature",
				slog.String("webhook", name), slog.String("ip", c.IP()))
			return c.SendStatus(http.StatusForbidden)
		}
		if w.ref.SiteID == "" || w.ref.CallbackID == "" || w.ref.LegID == "" {
			h.p.log.Error("twilio webhook without its leg", w.attrs()...)
			return c.SendStatus(http.StatusBadRequest)
		}
		if err := fn(c, w); err != nil {
			// Twilio retries only where the URL asks it to (connection
			// overrides); a TwiML webhook that fails ends the call.
			h.p.log.Error("twilio webhook failed", append(w.attrs(), slog.Any("err", err))...)
			return c.SendStatus(http.StatusInternalServerError)
		}
		return nil
	}
}

// verify checks X-Twilio-Signature: base64(HMAC-SHA1(auth token, the URL
// Twilio called + each POST parameter's name and value, sorted by name)).
// The URL Twilio called is PublicURL + the path and query that reached us:
// a proxy may change the host and strip PublicURL's path prefix, never the
// rest.
func (h *hooks) verify(c *fiber.Ctx, name string) (*webhook, bool) {
	sig := c.Get("X-Twilio-Signature")
	if sig == "" {
		return nil, false
	}
	// Cloned: fasthttp reuses these bytes once the handler returns.
	raw := strings.Clone(c.OriginalURL())
	form := make(map[string]string, 16)
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if _, dup := form[string(k)]; !dup {
			form[string(k)] = string(v)
		}
	})
	if !h.p.validator.Validate(h.p.public+raw, form, sig) {
		return nil, false
	}
	var query url.Values
	if _, rq, ok := strings.Cut(raw, "?"); ok {
		query, _ = url.ParseQuery(rq)
	}
	w := &webhook{
		name:  name,
		form:  form,
		query: query,
		ref: callback.LegRef{
			SiteID:     query.Get(qSite),
			CallbackID: query.Get(qCallback),
			LegID:      query.Get(qLeg),
		},
	}
	return w, true
}

func (h *hooks) report(c *fiber.Ctx, w *webhook, kind callback.EventKind, callID string, out callback.Outcome) (callback.Reply, error) {
	ctx, cancel := context.WithTimeout(c.UserContext(), reportTimeout)
	defer cancel()
	ev := callback.Event{Ref: w.ref, Kind: kind, CallID: callID, Outcome: out, ProviderAt: w.providerAt()}
	reply, err := h.rep.Report(ctx, ev)
	if err != nil {
		return callback.Reply{}, fmt.Errorf("report %s: %w", kind, err)
	}
	h.p.log.Debug("twilio event reported", append(w.attrs(), slog.String("kind", string(kind)),
		slog.String("outcome", string(out)), slog.String("action", string(reply.Action)))...)
	return reply, nil
}

func sendTwiML(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, "text/xml; charset=utf-8")
	return c.Send(body)
}

// answer: the manager picked up; the reply says what they hear.
func (h *hooks) answer(c *fiber.Ctx, w *webhook) error {
	reply, err := h.report(c, w, callback.ManagerAnswered, w.form["CallSid"], "")
	if err != nil {
		return err
	}
	return sendTwiML(c, h.p.render(w, reply))
}

// confirm: the <Gather> got keys. The confirm digit reports ManagerConfirmed;
// a wrong key asks once more, then says goodbye. (No key at all never comes
// here: the TwiML after the <Gather> says goodbye.)
func (h *hooks) confirm(c *fiber.Ctx, w *webhook) error {
	digit := w.query.Get(qDigit)
	if !validDigits(digit) {
		digit = "1"
	}
	lang := w.query.Get(qLang)
	if w.form["Digits"] != digit {
		var t twiml
		if w.query.Get(qTry) == "1" {
			h.p.confirmPrompt(&t, w.ref, lang, digit, i18n.Fill(phrase(lang).WrongDigit, map[string]string{"digit": digit}), 2)
		} else {
			t.say(h.p, lang, phrase(lang).Goodbye)
			t.hangup()
		}
		return sendTwiML(c, t.bytes())
	}
	reply, err := h.report(c, w, callback.ManagerConfirmed, w.form["CallSid"], "")
	if err != nil {
		return err
	}
	return sendTwiML(c, h.p.render(w, reply))
}

// dialed: the <Dial> to the visitor ended (the URL names the visitor's leg);
// the reply says what the manager hears next.
func (h *hooks) dialed(c *fiber.Ctx, w *webhook) error {
	child := w.form["DialCallSid"]
	out, ended := outcomeOf(w.form["DialCallStatus"], w.form["AnsweredBy"])
	if !ended {
		h.p.log.Warn("unknown DialCallStatus", append(w.attrs(), slog.String("status", w.form["DialCallStatus"]))...)
		out = callback.OutcomeFailed
	}
	if out == callback.OutcomeCompleted && w.query.Get(qAMD) == "1" && child != "" {
		// A machine that the amd webhook hung up ends as "completed"; the
		// call resource remembers who answered.
		machine, err := h.p.answeredByMachine(c.UserContext(), child)
		if err != nil {
			h.p.log.Warn("fetch the visitor's call", append(w.attrs(), slog.Any("err", err))...)
		} else if machine {
			out = callback.OutcomeMachine
		}
	}
	reply, err := h.report(c, w, callback.VisitorEnded, child, out)
	if err != nil {
		return err
	}
	return sendTwiML(c, h.p.render(w, reply))
}

// status: the manager's call progress. Answering is reported by the answer
// webhook, whose reply matters; "initiated" and "answered" are ignored here.
func (h *hooks) status(c *fiber.Ctx, w *webhook) error {
	st := w.form["CallStatus"]
	var (
		kind callback.EventKind
		out  callback.Outcome
	)
	switch st {
	case "ringing":
		kind = callback.ManagerRinging
	case "queued", "initiated", "in-progress":
		return c.SendStatus(http.StatusNoContent)
	default:
		var ended bool
		if out, ended = h.ended(w, st); !ended {
			return c.SendStatus(http.StatusNoContent)
		}
		kind = callback.ManagerEnded
	}
	if _, err := h.report(c, w, kind, w.form["CallSid"], out); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// ended reads a final CallStatus; any other is logged and ignored.
func (h *hooks) ended(w *webhook, status string) (callback.Outcome, bool) {
	out, ended := outcomeOf(status, w.form["AnsweredBy"])
	if !ended {
		h.p.log.Warn("unknown CallStatus", append(w.attrs(), slog.String("status", status))...)
	}
	return out, ended
}

// visitorStatus: the visitor's call progress (<Number statusCallback>).
// The end is reported here as well as by the dialed webhook: whichever
// comes first, the engine sees it once.
//
// With machine detection, in-progress comes in two orders. Asynchronous
// (Twilio's order for a <Number>): in-progress without AnsweredBy, the
// verdict later to the amd webhook; that is VisitorPickedUp, and the
// verdict decides. Synchronous: in-progress already carries AnsweredBy.
func (h *hooks) visitorStatus(c *fiber.Ctx, w *webhook) error {
	st := w.form["CallStatus"]
	var (
		kind callback.EventKind
		out  callback.Outcome
	)
	switch st {
	case "ringing":
		kind = callback.VisitorRinging
	case "in-progress":
		answeredBy := w.form["AnsweredBy"]
		switch {
		case isMachine(answeredBy):
			return h.machine(c, w)
		case answeredBy == "" && w.query.Get(qAMD) == "1":
			kind = callback.VisitorPickedUp
		default:
			kind = callback.VisitorAnswered
		}
	case "queued", "initiated":
		return c.SendStatus(http.StatusNoContent)
	default:
		var ended bool
		if out, ended = h.ended(w, st); !ended {
			return c.SendStatus(http.StatusNoContent)
		}
		kind = callback.VisitorEnded
	}
	if _, err := h.report(c, w, kind, w.form["CallSid"], out); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// amd: machine detection's verdict on the visitor's leg. A person (human,
// or unknown: Twilio could not tell, and leans to people) is the answer
// the engine waited for; a machine ends the leg.
func (h *hooks) amd(c *fiber.Ctx, w *webhook) error {
	if isMachine(w.form["AnsweredBy"]) {
		return h.machine(c, w)
	}
	if _, err := h.report(c, w, callback.VisitorAnswered, w.form["CallSid"], ""); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// machine: a machine answered the visitor's leg. It is reported first,
// then the leg is hung up, so the engine knows why the leg ends before the
// dialed webhook asks what the manager hears.
func (h *hooks) machine(c *fiber.Ctx, w *webhook) error {
	sid := w.form["CallSid"]
	_, rerr := h.report(c, w, callback.VisitorEnded, sid, callback.OutcomeMachine)
	// Hang up even when the report failed: nobody wants the manager talking
	// to a voicemail; the dialed webhook reports the end again.
	herr := h.p.Hangup(c.UserContext(), sid)
	if err := errors.Join(rerr, herr); err != nil {
		return err
	}
	return c.SendStatus(http.StatusNoContent)
}

// answeredByMachine fetches a call and tells whether a machine answered it.
func (p *Provider) answeredByMachine(ctx context.Context, sid string) (bool, error) {
	if !validSid(sid) {
		return false, fmt.Errorf("invalid call sid %q", sid)
	}
	var answeredBy string
	err := p.do(ctx, func(api *twapi.ApiService) error {
		c, err := api.FetchCall(sid, nil)
		if err != nil {
			return err
		}
		answeredBy = deref(c.AnsweredBy)
		return nil
	})
	return isMachine(answeredBy), err
}
