package dashboard

import (
	"strings"

	"github.com/beckonhq/beckon/notify"
	"github.com/beckonhq/beckon/store"
)

// outcome is an attempt's result as the owner reads it: a sentence in
// their language, and the provider's own words for whoever sets the
// receiver up (notify keeps secrets out of them).
type outcome struct {
	OK     bool
	State  string // delivered, retrying, failed, cancelled
	Text   string
	Detail string
}

func outcomeOf(l Lang, a store.DeliveryAttempt) outcome {
	if a.Error == "" {
		return outcome{OK: true, State: "delivered", Text: l.T("nt_out_delivered")}
	}
	o := outcome{State: "failed", Detail: a.Error}
	switch {
	case strings.Contains(a.Error, notify.ErrNoEndpoint.Error()):
		o.State = "cancelled"
		o.Text = l.T("nt_out_cancelled")
		return o
	case !a.NextAt.IsZero():
		o.State = "retrying"
		o.Text = l.F("nt_out_retrying", "at", l.Time(a.NextAt)) + " " + l.F(failureReason(a), "status", a.Status)
	default:
		o.Text = l.T("nt_out_failed") + " " + l.F(failureReason(a), "status", a.Status)
	}
	return o
}

// failureReason names, as a text key, why an attempt failed, from the
// channel's answer: the status the provider gave and the words it used.
func failureReason(a store.DeliveryAttempt) string {
	e := a.Error
	switch {
	case strings.Contains(e, notify.ErrForbiddenAddress.Error()):
		return "nt_why_internal"
	case a.Status == 0 && (strings.Contains(e, "timeout") || strings.Contains(e, "deadline")):
		return "nt_why_timeout"
	}
	switch a.Channel {
	case notify.ChannelTelegram:
		switch a.Status {
		case 401, 404:
			return "nt_why_tg_token"
		case 403:
			return "nt_why_tg_blocked"
		case 400:
			return "nt_why_tg_chat"
		}
	case notify.ChannelEmail:
		switch {
		case a.Status == 535 || a.Status == 530:
			return "nt_why_mail_auth"
		case a.Status >= 500:
			return "nt_why_mail_refused"
		case a.Status >= 400:
			return "nt_why_mail_later"
		}
	case notify.ChannelBitrix24:
		switch {
		case strings.Contains(e, "INVALID_CREDENTIALS"), strings.Contains(e, "NO_AUTH_FOUND"):
			return "nt_why_bx_auth"
		case strings.Contains(e, "insufficient_scope"):
			return "nt_why_bx_scope"
		case strings.Contains(e, "ERROR_METHOD_NOT_FOUND"):
			return "nt_why_bx_url"
		}
	}
	switch {
	case a.Status == 429:
		return "nt_why_busy"
	case a.Status >= 500:
		return "nt_why_server"
	case a.Status >= 300 && a.Status < 400:
		return "nt_why_redirect"
	case a.Status >= 400:
		return "nt_why_refused"
	case a.Status == 0:
		return "nt_why_unreachable"
	}
	return "nt_why_other"
}
