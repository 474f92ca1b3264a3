package callback

import (
	"context"
	"errors"
	"time"

	"github.com/beckonhq/beckon/widgets"
)

// Provider places phone calls. A request is bridged in one provider call per
// attempt: the provider rings the manager, plays the whisper, waits for the
// confirm digit, asks the engine (Reporter.Report with ManagerConfirmed) whom
// to dial, dials the visitor and bridges the two. So a provider that can only
// "originate a call between A and B" (Asterisk AMI Originate, carriers'
// callback APIs) fits as well as Twilio: it reports what it sees and follows
// the replies.
type Provider interface {
	// Name is the provider's name in logs and metrics: "twilio", "sim".
	Name() string
	// CallManager starts the manager's leg and returns the provider's call
	// id. Progress comes back later through the Reporter.
	CallManager(ctx context.Context, call ManagerCall) (callID string, err error)
	// Hangup ends a call; ending a call that already ended is not an error.
	Hangup(ctx context.Context, callID string) error
	// CallState asks how a call stands, for calls whose events stopped
	// coming (the sweeper's question).
	CallState(ctx context.Context, callID string) (CallState, error)
}

// ErrUnknownCall is what CallState returns for a call the provider does not know.
var ErrUnknownCall = errors.New("callback: the provider does not know this call")

// LegRef names a leg of a request; providers carry it through their events
// (in webhook URLs, in call variables) and give it back to Report.
type LegRef struct {
	SiteID     string `json:"site_id"`
	CallbackID string `json:"callback_id"`
	LegID      string `json:"leg_id"`
}

// ManagerCall is everything a provider needs to ring a manager and, once the
// manager confirms, to ask for the visitor's leg. Managers see the
// provider's own number (BECKON_TWILIO_FROM), never the widget's
// caller_id: that one is for visitors (Reply.CallerID).
type ManagerCall struct {
	Ref          LegRef
	ManagerName  string
	ManagerPhone string        // E.164
	Whisper      string        // read to the manager, in the site's language
	Language     string        // ru, uk or en: the voice of the whisper
	ConfirmDigit string        // "1"
	RingTimeout  time.Duration // how long the manager's phone rings
	Record       bool          // record the bridged conversation
}

// CallState is a call's state as the provider tells it.
type CallState struct {
	Ended   bool
	Outcome Outcome // when Ended
}

// Outcome is how a leg ended.
type Outcome string

const (
	OutcomeCompleted Outcome = "completed" // answered, then hung up
	OutcomeNoAnswer  Outcome = "no_answer"
	OutcomeBusy      Outcome = "busy"
	OutcomeMachine   Outcome = "machine" // an answering machine picked up
	OutcomeFailed    Outcome = "failed"  // the provider could not place or keep the call
	OutcomeCanceled  Outcome = "canceled"
)

// EventKind says what a provider saw.
type EventKind string

const (
	// ManagerRinging: the manager's phone rings.
	ManagerRinging EventKind = "manager_ringing"
	// ManagerAnswered: a human (or voicemail) picked up; the whisper plays.
	ManagerAnswered EventKind = "manager_answered"
	// ManagerConfirmed: the manager pressed the confirm digit. The reply says
	// whom to dial, or to hang up when another manager was faster.
	ManagerConfirmed EventKind = "manager_confirmed"
	// ManagerEnded: the manager's leg ended (Outcome says how).
	ManagerEnded EventKind = "manager_ended"
	// VisitorRinging: the visitor's phone rings.
	VisitorRinging EventKind = "visitor_ringing"
	// VisitorPickedUp: the visitor's line picked up while machine
	// detection still listens (Twilio's asynchronous detection): who
	// answered is not known yet. VisitorAnswered (a person) or
	// VisitorEnded with OutcomeMachine follows.
	VisitorPickedUp EventKind = "visitor_picked_up"
	// VisitorAnswered: a person picked up (or the provider cannot tell)
	// and the two are bridged.
	VisitorAnswered EventKind = "visitor_answered"
	// VisitorEnded: the visitor's leg ended (Outcome says how).
	VisitorEnded EventKind = "visitor_ended"
)

// Event is one thing a provider reports about a leg.
type Event struct {
	Ref     LegRef
	Kind    EventKind
	CallID  string  // the provider's id of the call, when it has one
	Outcome Outcome // for *Ended
	// ProviderAt is when the provider says it happened, when it says so
	// (Twilio: whole seconds, from its own clock). It is kept beside
	// Beckon's own time of receipt and never orders anything.
	ProviderAt time.Time
}

// Reply tells a provider what to do after an event:
//   - ManagerAnswered: ActionConfirm (read Say, the whisper, and wait for
//     ConfirmDigit), or ActionHangup (read Say first) when the request was
//     taken by another manager or cancelled meanwhile.
//   - ManagerConfirmed: ActionDial (read Say, then dial the visitor's leg
//     and bridge), or ActionHangup (read Say first).
//   - VisitorEnded: ActionHangup, with Say telling the manager what happens
//     next ("the client did not answer; we will try again").
//   - anything else: ActionNone.
type Reply struct {
	Action       Action
	Say          string // in Language
	Language     string // ru, uk or en
	ConfirmDigit string // ActionConfirm
	// ActionDial: the visitor's leg.
	VisitorLegID  string
	VisitorPhone  string
	CallerID      string // what the visitor sees: the site's number
	DialTimeout   time.Duration
	DetectMachine bool
	Record        bool
}

// Action is what a provider does next.
type Action string

const (
	ActionNone    Action = ""
	ActionConfirm Action = "confirm"
	ActionDial    Action = "dial"
	ActionHangup  Action = "hangup"
)

// Reporter receives provider events. Report is idempotent: the same event
// twice, or an event that arrives after a later one, changes nothing twice.
type Reporter interface {
	Report(ctx context.Context, ev Event) (Reply, error)
}

// Optional features of a provider, found by type assertion when the
// callback module mounts and stops.
type (
	// Binder is a provider that must be told where its events go before
	// it places a call (the simulator, which makes them up).
	Binder interface{ Bind(Reporter) }
	// WebhookMounter is a provider that hears of its calls through
	// webhooks (Twilio): Mount adds them to the app's root.
	WebhookMounter interface {
		Mount(r widgets.Router, rep Reporter)
	}
	// Closer is a provider with resources to release at shutdown.
	Closer interface{ Close() }
)
