package callback

import (
	"context"
	"errors"
	"log/slog"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promauto"

	"github.com/beckonhq/beckon/store"
)

// Every accepted request is also a lead of the site's one inbox
// (store.Leads), of type "callback", with the id LeadID(request id). The
// request is what the bridge works on; the lead is what the owner sees,
// sorts and exports beside the quiz's leads.
//
// CreateLead is idempotent, so intake ensures the lead for every accepted
// request, a repeat the dedupe absorbed included. A lead write that fails
// does not fail the request (it is stored and queued: the visitor will be
// called): it is logged with the request's id and counted
// (beckon_callback_lead_failures_total), and the visitor's next repeat
// writes it. Until then the request is in GET …/callbacks only. The
// worker does not write leads: it could put back a lead the owner erased
// (DELETE …/visitors/{id}) a moment before.

// LeadID is the inbox id of the lead of callback request id.
func LeadID(callbackID string) string { return "cb_" + callbackID }

var leadFailures = promauto.NewCounter(prometheus.CounterOpts{
	Name: "beckon_callback_lead_failures_total",
	Help: "Accepted callback requests whose inbox lead could not be written (a repeat of the request writes it).",
})

// leadOf is the inbox lead of request c; summary is the quiz lead's the
// request was made from, if any.
func leadOf(c store.Callback, summary string) store.Lead {
	return store.Lead{
		ID: LeadID(c.ID), SiteID: c.SiteID, WidgetID: c.WidgetID, Type: widgetType, Status: store.LeadNew,
		VisitorID: c.VisitorID, Contact: store.LeadContact{Name: c.Name, Phone: c.Phone},
		Summary: summary, CallbackID: c.ID, PageURL: c.PageURL, Referrer: c.Referrer,
		UTM: c.UTM, Source: c.Source, IP: c.IP, Consent: c.Consent,
		CreatedAt: c.CreatedAt, UpdatedAt: c.CreatedAt,
	}
}

// ensureLead writes request c's lead unless it exists; a failure is logged
// and counted, never returned (see above).
func ensureLead(ctx context.Context, st store.Leads, log *slog.Logger, c store.Callback, summary string) {
	if _, _, err := st.CreateLead(ctx, leadOf(c, summary)); err != nil {
		leadFailures.Inc()
		log.Warn("callback request stored, its inbox lead not yet", slog.String("site_id", c.SiteID),
			slog.String("callback_id", c.ID), slog.Any("err", err))
	}
}

// linkedLead is the lead r.LeadID names when it is one of the same
// visitor on the same site (the quiz's result screen asked for this
// call); otherwise, including any error, none: a lead of someone else is
// not theirs to attach, and a missing summary must not cost the visitor
// the call.
func linkedLead(ctx context.Context, st store.Leads, log *slog.Logger, siteID, visitorID, leadID string) (store.Lead, bool) {
	if leadID == "" {
		return store.Lead{}, false
	}
	l, err := st.GetLead(ctx, siteID, leadID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			log.Warn("read the lead a callback request names", slog.String("site_id", siteID), slog.Any("err", err))
		}
		return store.Lead{}, false
	}
	if l.VisitorID != visitorID {
		return store.Lead{}, false
	}
	return l, true
}

// consentOfLead completes consent record r of a request asked for from
// lead l's result screen: the visitor consented on the quiz's form, whose
// text none of the callback widget's texts matches, so the record has the
// id the widget sent and no text. When that id is the one l's consent
// recorded, r takes l's text, language and version, the consent the
// visitor actually gave; any other id stays as it came.
func consentOfLead(r *store.Consent, l store.Lead) {
	if r == nil || r.Text != "" || r.TextID == "" || l.Consent == nil || l.Consent.Text == "" || l.Consent.TextID != r.TextID {
		return
	}
	r.Text, r.Lang, r.Version = l.Consent.Text, l.Consent.Lang, l.Consent.Version
}

// leadSummary is the summary of the lead request c was made from, for the
// whisper; "" when there is none or it cannot be read now.
func (e *Engine) leadSummary(ctx context.Context, c store.Callback) string {
	if c.LeadID == "" {
		return ""
	}
	l, err := e.st.GetLead(ctx, c.SiteID, c.LeadID)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			e.log.Warn("read the lead for the whisper", slog.String("callback_id", c.ID), slog.Any("err", err))
		}
		return ""
	}
	return strings.Join(strings.Fields(l.Summary), " ")
}

// requestSummary is leadSummary for a request known by reference only (a
// provider's event for a request under way here: requestRef gives its ids,
// not its fields).
func (e *Engine) requestSummary(ctx context.Context, ref store.Callback) string {
	c, err := e.st.GetCallback(ctx, ref.SiteID, ref.ID)
	if err != nil {
		e.log.Warn("read the request for the whisper", slog.String("callback_id", ref.ID), slog.Any("err", err))
		return ""
	}
	return e.leadSummary(ctx, c)
}
