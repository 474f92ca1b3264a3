package callback

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
	"golang.org/x/text/unicode/norm"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// Request is a visitor's callback request as the widget sends it.
type Request struct {
	WidgetID    string            `json:"widget_id"` // optional: the site's first enabled callback widget
	Phone       string            `json:"phone"`
	Name        string            `json:"name"`
	VisitorID   string            `json:"visitor_id"`
	PageURL     string            `json:"page_url"`
	PageTitle   string            `json:"page_title"`
	Referrer    string            `json:"referrer"`
	UTM         map[string]string `json:"utm"`
	ScheduledAt string            `json:"scheduled_at"` // RFC 3339; empty: call now
	Consent     bool              `json:"consent"`
	// ConsentTextID is the id of the consent text the visitor saw
	// (Public's consent.text_ids).
	ConsentTextID string `json:"consent_text_id"`
	Website       string `json:"website"` // the honeypot: people never see it, bots fill it
	// LeadID is the inbox lead the visitor asked for the call from (the
	// quiz's result screen): kept when it is the same visitor's, so the
	// manager's whisper carries its summary; ignored otherwise.
	LeadID string `json:"lead_id"`
}

// DedupeWindow: the same number again within it, while the request already
// made is in progress, gets that request, not a second call. Once it has
// ended (say it failed and the visitor presses "try again"), the same number
// makes a new request, within the usual limits.
const DedupeWindow = 2 * time.Minute

// maxScheduleAhead bounds "call me at …".
const maxScheduleAhead = 14 * 24 * time.Hour

// ErrBlocked refuses a number, prefix or visitor on the site's blocklist.
var ErrBlocked = &api.Error{Status: http.StatusForbidden, Code: "blocked",
	Message: "callback requests from this number or visitor are not accepted"}

// limited reports whether err is a refusal for too many requests (429):
// rate_limited or budget_spent, with the seconds the client waits.
func limited(err error) bool {
	var ae *api.Error
	return errors.As(err, &ae) && ae.Status == http.StatusTooManyRequests
}

// retryAfter is d in whole seconds, at least one, for Retry-After.
func retryAfter(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

// IntakeStore is what intake needs from the store.
type IntakeStore interface {
	store.Callbacks
	store.Counters
	store.Leads
}

// Intake checks and stores visitors' requests. Nothing refused reaches the
// store's queue, so nothing refused ever reaches the provider.
type Intake struct {
	St  IntakeStore
	Now func() time.Time
	// BudgetSpent is told once per site and day when the daily budget runs
	// out (the owner's alert); day is the site's date.
	BudgetSpent func(ctx context.Context, site store.Site, w store.Widget, set Settings, day string)
}

// Accept checks r for widget w of site (whose time zone is loc), made from
// ip, and stores it. It
// returns the stored request and whether it is new (false: the same number
// asked within DedupeWindow and that request, still in progress, is
// returned). Errors:
// *validate.Error (422), an *api.Error of 429 (a limit, see limited), ErrBlocked (403).
func (in *Intake) Accept(ctx context.Context, site store.Site, loc *time.Location, w store.Widget, set Settings, r Request, ip string) (store.Callback, bool, error) {
	now := in.Now().UTC()
	phone, due, scheduled, err := check(&r, site, set, now, loc)
	if err != nil {
		return store.Callback{}, false, in.invalid(ctx, site.ID, ip, set, err)
	}
	if set.blocks(phone, r.VisitorID) {
		return store.Callback{}, false, ErrBlocked
	}
	// Only a request that passed every check counts against the hourly
	// limits: a visitor who mistypes a number is not locked out.
	if err := in.limit(ctx, site.ID, "ip:"+ip, set.Limits.PerIP); err != nil {
		return store.Callback{}, false, err
	}
	if err := in.limit(ctx, site.ID, "visitor:"+r.VisitorID, set.Limits.PerVisitor); err != nil {
		return store.Callback{}, false, err
	}
	if err := in.limit(ctx, site.ID, "number:"+phone, set.Limits.PerNumber); err != nil {
		return store.Callback{}, false, err
	}
	if err := in.limit(ctx, "", "number:"+phone, set.Limits.PerNumberGlobal); err != nil {
		return store.Callback{}, false, err
	}
	if err := in.budget(ctx, site, set, now, loc); err != nil {
		return store.Callback{}, false, err
	}
	c := store.Callback{
		ID: newID(), SiteID: site.ID, WidgetID: w.ID, Phone: phone, Name: r.Name,
		VisitorID: r.VisitorID, IP: ip, PageURL: r.PageURL, PageTitle: r.PageTitle,
		Referrer: r.Referrer, UTM: r.UTM, Source: source(r), DueAt: due, FirstDueAt: due, Scheduled: scheduled,
		Status: StatusQueued, Timeline: []store.Transition{{Status: StatusQueued, At: now}},
		Legs: []store.Leg{}, CreatedAt: now, UpdatedAt: now,
	}
	if set.Consent.Required {
		c.Consent = set.Consent.Record(r.ConsentTextID, ip, now)
	}
	quiz, linked := linkedLead(ctx, in.St, slog.Default(), site.ID, r.VisitorID, r.LeadID)
	if linked {
		c.LeadID = quiz.ID
		consentOfLead(c.Consent, quiz)
	}
	stored, created, err := in.St.CreateCallback(ctx, c, now.Add(-DedupeWindow))
	if err != nil {
		return store.Callback{}, false, fmt.Errorf("callback: store request: %w", err)
	}
	if stored.LeadID != quiz.ID {
		quiz.Summary = "" // a repeat absorbed by a request made elsewhere
	}
	// Also for a repeat: it repairs a lead whose first write failed.
	ensureLead(ctx, in.St, slog.Default(), stored, quiz.Summary)
	if created {
		// The request is stored and queued: a failed count must not turn
		// it into an error the visitor would retry.
		if err := in.spend(ctx, site, w, set, now, loc); err != nil {
			slog.Default().Warn("count a callback request against the budget", slog.Any("err", err))
		}
	}
	return stored, created, nil
}

// check validates r and returns its phone in E.164 and when to call.
func check(r *Request, site store.Site, set Settings, now time.Time, loc *time.Location) (phone string, due time.Time, scheduled bool, err error) {
	if err := validate.Line("visitor_id", r.VisitorID, true, 64); err != nil {
		return "", time.Time{}, false, err
	}
	if err := validate.Line("lead_id", r.LeadID, false, 100); err != nil {
		return "", time.Time{}, false, err
	}
	if phone, err = checkPhone(r.Phone, site.Region, set.AllowedCallingCodes); err != nil {
		return "", time.Time{}, false, err
	}
	if err := checkDetails(r); err != nil {
		return "", time.Time{}, false, err
	}
	if set.Consent.Required && !r.Consent {
		return "", time.Time{}, false, validate.Field("consent", "must be given: the visitor ticks the box to consent to the processing of their personal data")
	}
	due, scheduled, err = checkSchedule(r.ScheduledAt, set, now, loc)
	return phone, due, scheduled, err
}

// InvalidPerIPFactor makes the hourly cap on invalid requests from one IP
// that many times limits.per_ip: looser than the cap on accepted ones, so
// typos cost a visitor nothing, yet a script cannot probe forever.
const InvalidPerIPFactor = 3

// invalid counts a request that failed its checks and returns err, or a
// 429 once the IP has sent too many invalid ones this hour.
// A count that fails (the store is out) does not hide which field is wrong.
func (in *Intake) invalid(ctx context.Context, siteID, ip string, set Settings, err error) error {
	if lerr := in.limit(ctx, siteID, "invalid:ip:"+ip, InvalidPerIPFactor*set.Limits.PerIP); limited(lerr) {
		return lerr
	}
	return err
}

// limit counts one more request under name and refuses past max per hour.
func (in *Intake) limit(ctx context.Context, scope, name string, max int) error {
	n, left, err := in.St.Incr(ctx, scope, "cb:"+name, time.Hour)
	if err != nil {
		return fmt.Errorf("callback: count %s: %w", name, err)
	}
	if n > int64(max) {
		return &api.Error{Status: http.StatusTooManyRequests, Code: "rate_limited", RetryAfter: retryAfter(left),
			Message: "too many callback requests; try again later"}
	}
	return nil
}

// budget refuses requests once the site's day (in its timezone) has taken
// DailyBudget new requests: intake pauses until midnight. The count is
// read here and raised in spend, after a new request is stored, so repeats
// and refusals do not use the budget; concurrent requests may overshoot it
// by a few, never by more than the requests in flight at that moment.
func (in *Intake) budget(ctx context.Context, site store.Site, set Settings, now time.Time, loc *time.Location) error {
	n, err := in.St.Count(ctx, site.ID, budgetCounter(now, loc))
	if err != nil {
		return fmt.Errorf("callback: read the daily budget: %w", err)
	}
	if n < int64(set.Limits.DailyBudget) {
		return nil
	}
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	return &api.Error{Status: http.StatusTooManyRequests, Code: "budget_spent", RetryAfter: retryAfter(midnight.Sub(now)),
		Message: "this site takes no more callback requests today"}
}

// spend counts a new request against the day's budget and alerts the owner
// when it was the last one.
func (in *Intake) spend(ctx context.Context, site store.Site, w store.Widget, set Settings, now time.Time, loc *time.Location) error {
	n, _, err := in.St.Incr(ctx, site.ID, budgetCounter(now, loc), 26*time.Hour)
	if err != nil {
		return fmt.Errorf("callback: count the daily budget: %w", err)
	}
	if n == int64(set.Limits.DailyBudget) && in.BudgetSpent != nil {
		in.BudgetSpent(ctx, site, w, set, now.In(loc).Format(time.DateOnly))
	}
	return nil
}

func budgetCounter(now time.Time, loc *time.Location) string {
	return "cb:budget:" + now.In(loc).Format("2006-01-02")
}

// refusedType refuses the numbers nobody should be made to call: they cost
// the site money or reach no person. Each kind is a sentence of its own, so
// that the dashboard can tell it in every language; nil lets t through.
func refusedType(t phonenumbers.PhoneNumberType) *validate.Error {
	switch t {
	case phonenumbers.PREMIUM_RATE:
		return validate.Field("phone", "premium-rate numbers are not called back")
	case phonenumbers.SHARED_COST:
		return validate.Field("phone", "shared-cost numbers are not called back")
	case phonenumbers.VOICEMAIL:
		return validate.Field("phone", "voicemail numbers are not called back")
	case phonenumbers.PAGER:
		return validate.Field("phone", "pager numbers are not called back")
	case phonenumbers.UAN:
		return validate.Field("phone", "universal access numbers are not called back")
	case phonenumbers.UNKNOWN:
		return validate.Field("phone", "non-dialable numbers are not called back")
	}
	return nil
}

// nonGeographic refuses the numbers of a calling code of no country
// (phonenumbers' region "001"), naming what they are: satellite phones and
// international networks that bill at premium rates, international
// premium-rate and shared-cost numbers, and services that reach no person.
// They are refused whatever the site's allowed calling codes say, like
// premium-rate numbers; a code phonenumbers adds later is refused too, as
// "non-geographic". One sentence per kind, as in refusedType.
func nonGeographic(code int32) *validate.Error {
	switch code {
	case 800:
		return validate.Field("phone", "numbers with country code +%d (international freephone) are not called back: they bill at premium rates or reach no person", code)
	case 808:
		return validate.Field("phone", "numbers with country code +%d (international shared-cost) are not called back: they bill at premium rates or reach no person", code)
	case 870:
		return validate.Field("phone", "numbers with country code +%d (satellite (Inmarsat)) are not called back: they bill at premium rates or reach no person", code)
	case 878:
		return validate.Field("phone", "numbers with country code +%d (universal personal telecommunications) are not called back: they bill at premium rates or reach no person", code)
	case 881:
		return validate.Field("phone", "numbers with country code +%d (satellite (global mobile satellite system)) are not called back: they bill at premium rates or reach no person", code)
	case 882, 883:
		return validate.Field("phone", "numbers with country code +%d (international network) are not called back: they bill at premium rates or reach no person", code)
	case 888:
		return validate.Field("phone", "numbers with country code +%d (international humanitarian (OCHA)) are not called back: they bill at premium rates or reach no person", code)
	case 979:
		return validate.Field("phone", "numbers with country code +%d (international premium-rate) are not called back: they bill at premium rates or reach no person", code)
	}
	return validate.Field("phone", "numbers with country code +%d (non-geographic) are not called back: they bill at premium rates or reach no person", code)
}

// maxPhoneRunes bounds what is parsed: a number with its spaces, dashes and
// an extension fits.
const maxPhoneRunes = 32

// checkPhone parses raw in region and returns it as E.164, refusing numbers
// of no country, outside the allowed calling codes, and of refused types.
// Compatibility forms (full-width digits and plus sign, as Japanese and
// Chinese keyboards type them) are folded to ASCII first (NFKC).
func checkPhone(raw, region string, codes []int) (string, error) {
	raw = norm.NFKC.String(raw)
	if strings.TrimSpace(raw) == "" {
		return "", validate.Field("phone", "is required")
	}
	if utf8.RuneCountInString(raw) > maxPhoneRunes {
		return "", validate.Field("phone", "is too long")
	}
	num, err := phonenumbers.Parse(raw, region)
	if err != nil {
		return "", validate.Field("phone", "is not a valid phone number")
	}
	if phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode())) == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY {
		return "", nonGeographic(num.GetCountryCode())
	}
	if !phonenumbers.IsValidNumber(num) {
		return "", validate.Field("phone", "is not a valid phone number")
	}
	if !slices.Contains(codes, int(num.GetCountryCode())) {
		return "", validate.Field("phone", "numbers with country code +%d are not accepted by this site", num.GetCountryCode())
	}
	if err := refusedType(phonenumbers.GetNumberType(num)); err != nil {
		return "", err
	}
	return phonenumbers.Format(num, phonenumbers.E164), nil
}

// maxURL bounds page_url and referrer.
const maxURL = 2048

// utmKeys are the tags recorded; others are dropped.
var utmKeys = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

func checkDetails(r *Request) error {
	if err := validate.Line("name", r.Name, false, 100); err != nil {
		return err
	}
	if err := validate.Line("page_title", r.PageTitle, false, 200); err != nil {
		return err
	}
	for _, f := range []struct{ name, v string }{{"page_url", r.PageURL}, {"referrer", r.Referrer}} {
		if len(f.v) > maxURL {
			return validate.Field(f.name, "is longer than %d characters", maxURL)
		}
		if f.v != "" {
			if u, err := url.Parse(f.v); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				return validate.Field(f.name, "must be an http(s) URL")
			}
		}
	}
	utm := map[string]string{}
	for k, v := range r.UTM {
		if !slices.Contains(utmKeys, k) {
			continue
		}
		if err := validate.Line("utm."+k, v, false, 200); err != nil {
			return err
		}
		if v != "" {
			utm[k] = v
		}
	}
	r.UTM = utm
	return nil
}

// checkSchedule decides when to call: now when the widget is open and no
// time was asked for, else the asked time, which must be ahead and inside
// working hours.
func checkSchedule(raw string, set Settings, now time.Time, loc *time.Location) (due time.Time, scheduled bool, err error) {
	if raw == "" {
		if !set.OpenAt(now, loc) {
			return time.Time{}, false, validate.Field("scheduled_at", "nobody takes calls now; choose a time (see the availability slots)")
		}
		return now, false, nil
	}
	at, err := time.Parse(time.RFC3339, raw)
	if err != nil {
		return time.Time{}, false, validate.Field("scheduled_at", "must be an RFC 3339 time such as 2026-12-01T10:00:00+03:00")
	}
	t := at.UTC()
	switch {
	case t.Before(now.Add(-time.Minute)):
		return time.Time{}, false, validate.Field("scheduled_at", "is in the past")
	case t.After(now.Add(maxScheduleAhead)):
		return time.Time{}, false, validate.Field("scheduled_at", "is more than 14 days ahead")
	case !set.OpenAt(t, loc):
		return time.Time{}, false, validate.Field("scheduled_at", "is outside working hours")
	}
	return t, true, nil
}

// blocks reports whether the blocklist refuses phone or visitor.
func (s *Settings) blocks(phone, visitor string) bool {
	if slices.Contains(s.Blocklist.Numbers, phone) || slices.Contains(s.Blocklist.Visitors, visitor) {
		return true
	}
	for _, p := range s.Blocklist.Prefixes {
		if strings.HasPrefix(phone, p) {
			return true
		}
	}
	return false
}

// source names where the visitor came from, for analytics.
func source(r Request) string {
	if s := r.UTM["utm_source"]; s != "" {
		return s
	}
	ref, err := url.Parse(r.Referrer)
	if err != nil || ref.Host == "" {
		return "direct"
	}
	if page, err := url.Parse(r.PageURL); err == nil && page.Host == ref.Host {
		return "direct"
	}
	return strings.TrimPrefix(ref.Hostname(), "www.")
}
