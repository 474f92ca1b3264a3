package twiliofake

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const apiVersion = "2010-04-01"

func (f *Fake) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Calls.json", f.createCall)
	mux.HandleFunc("POST /2010-04-01/Accounts/{account}/Calls/{file}", f.updateCall)
	mux.HandleFunc("GET /2010-04-01/Accounts/{account}/Calls/{file}", f.fetchCall)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
	})
	return mux
}

// authorize checks Basic auth and the account in the path.
func (f *Fake) authorize(w http.ResponseWriter, r *http.Request) bool {
	user, pass, ok := r.BasicAuth()
	if !ok || subtle.ConstantTimeCompare([]byte(user), []byte(f.opts.AccountSID)) != 1 ||
		subtle.ConstantTimeCompare([]byte(pass), []byte(f.opts.AuthToken)) != 1 {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		writeError(w, http.StatusUnauthorized, 20003, "Authenticate")
		return false
	}
	if r.PathValue("account") != f.opts.AccountSID {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return false
	}
	return true
}

func (f *Fake) createCall(w http.ResponseWriter, r *http.Request) {
	at := time.Now()
	if !f.authorize(w, r) {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Invalid form: "+err.Error())
		return
	}
	form := r.PostForm
	to := form.Get("To")

	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		writeError(w, http.StatusServiceUnavailable, 20503, "Service Unavailable")
		return
	}
	if f.failN > 0 {
		f.failN--
		status := f.failCode
		f.creates = append(f.creates, CreateRequest{At: at, To: to, From: form.Get("From"), Status: status})
		f.notify()
		f.mu.Unlock()
		writeError(w, status, errorCode(status), http.StatusText(status))
		return
	}
	f.mu.Unlock()

	var missing string
	switch {
	case to == "":
		missing = "To"
	case form.Get("From") == "":
		missing = "From"
	case form.Get("Url") == "" && form.Get("Twiml") == "" && form.Get("ApplicationSid") == "":
		missing = "Url"
	}
	if missing != "" {
		code := map[string]int{"To": 21201, "From": 21213, "Url": 21205}[missing]
		f.update(func() {
			f.creates = append(f.creates, CreateRequest{At: at, To: to, From: form.Get("From"), Status: http.StatusBadRequest})
		})
		writeError(w, http.StatusBadRequest, code, "No '"+missing+"' parameter is specified")
		return
	}

	timeout, _ := strconv.Atoi(form.Get("Timeout"))
	if timeout <= 0 {
		timeout = 60
	}
	b := f.behavior(to)
	c := &call{
		Call: Call{
			SID:                 newSID(),
			Direction:           "outbound-api",
			To:                  to,
			From:                form.Get("From"),
			Status:              "queued",
			Form:                cloneValues(form),
			URL:                 form.Get("Url"),
			StatusCallback:      form.Get("StatusCallback"),
			StatusCallbackEvent: form["StatusCallbackEvent"],
			Timeout:             timeout,
			MachineDetection:    form.Get("MachineDetection"),
			AsyncAmd:            form.Get("AsyncAmd") == "true",
			AmdStatusCallback:   form.Get("AsyncAmdStatusCallback"),
			CreatedAt:           at,
		},
		behavior: b,
		keys:     b.Digits,
		redirect: make(chan next, 1),
	}
	c.events = eventSet(c.StatusCallbackEvent)
	c.amd = c.MachineDetection != ""
	c.ctx, c.cancel = context.WithCancel(f.ctx)

	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		c.cancel()
		writeError(w, http.StatusServiceUnavailable, 20503, "Service Unavailable")
		return
	}
	f.register(c)
	f.creates = append(f.creates, CreateRequest{At: at, To: to, From: c.From, Status: http.StatusCreated, SID: c.SID})
	f.wg.Add(1)
	res := f.resource(c)
	f.mu.Unlock()

	go f.runAPICall(c, form.Get("Twiml"))
	writeJSON(w, http.StatusCreated, res)
}

func (f *Fake) lookup(w http.ResponseWriter, r *http.Request) *call {
	if !f.authorize(w, r) {
		return nil
	}
	sid, ok := strings.CutSuffix(r.PathValue("file"), ".json")
	f.mu.Lock()
	c := f.calls[sid]
	f.mu.Unlock()
	if !ok || c == nil {
		writeError(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return nil
	}
	return c
}

func (f *Fake) fetchCall(w http.ResponseWriter, r *http.Request) {
	c := f.lookup(w, r)
	if c == nil {
		return
	}
	f.mu.Lock()
	res := f.resource(c)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

// updateCall: Status=completed ends a call in any state that is not over,
// Status=canceled one that is queued or ringing; Url or Twiml redirects a
// call in progress. A call that is over answers 21220, as Twilio does.
func (f *Fake) updateCall(w http.ResponseWriter, r *http.Request) {
	c := f.lookup(w, r)
	if c == nil {
		return
	}
	if err := r.ParseForm(); err != nil {
		writeError(w, http.StatusBadRequest, 20001, "Invalid form: "+err.Error())
		return
	}
	status, u, twiml := r.PostForm.Get("Status"), r.PostForm.Get("Url"), r.PostForm.Get("Twiml")
	if status != "" && status != "completed" && status != "canceled" {
		writeError(w, http.StatusBadRequest, 21218, "Invalid value for Status: "+status)
		return
	}

	f.mu.Lock()
	if c.Ended() && (status != "" || u != "" || twiml != "") {
		f.mu.Unlock()
		writeError(w, http.StatusBadRequest, 21220, "Call is not in-progress. Cannot redirect.")
		return
	}
	switch {
	case status == "completed" || status == "canceled" && c.Status != "in-progress":
		c.endAs = "canceled"
		if c.Status == "in-progress" {
			c.endAs = "completed"
		}
		c.Status = c.endAs
		c.EndedAt = time.Now()
		c.cancel()
	case u != "" || twiml != "":
		if c.Status != "in-progress" {
			f.mu.Unlock()
			writeError(w, http.StatusBadRequest, 21220, "Call is not in-progress. Cannot redirect.")
			return
		}
		n := next{url: u, kind: "redirect", twiml: twiml}
		select {
		case <-c.redirect:
		default:
		}
		c.redirect <- n
	}
	f.notify()
	res := f.resource(c)
	f.mu.Unlock()
	writeJSON(w, http.StatusOK, res)
}

// resource is the call as Twilio's JSON shows it; f.mu is held.
func (f *Fake) resource(c *call) map[string]any {
	uri := "/" + apiVersion + "/Accounts/" + f.opts.AccountSID + "/Calls/" + c.SID
	res := map[string]any{
		"sid":              c.SID,
		"account_sid":      f.opts.AccountSID,
		"api_version":      apiVersion,
		"annotation":       nil,
		"answered_by":      nilIfEmpty(c.AnsweredBy),
		"caller_name":      nil,
		"date_created":     twilioTime(c.CreatedAt),
		"date_updated":     twilioTime(time.Now()),
		"direction":        c.Direction,
		"duration":         nil,
		"end_time":         nil,
		"forwarded_from":   nil,
		"from":             c.From,
		"from_formatted":   c.From,
		"group_sid":        nil,
		"parent_call_sid":  nilIfEmpty(c.ParentSID),
		"phone_number_sid": nil,
		"price":            nil,
		"price_unit":       "USD",
		"queue_time":       "0",
		"start_time":       nil,
		"status":           c.Status,
		"to":               c.To,
		"to_formatted":     c.To,
		"trunk_sid":        nil,
		"uri":              uri + ".json",
		"subresource_uris": map[string]string{
			"notifications":                      uri + "/Notifications.json",
			"recordings":                         uri + "/Recordings.json",
			"payments":                           uri + "/Payments.json",
			"events":                             uri + "/Events.json",
			"siprec":                             uri + "/Siprec.json",
			"streams":                            uri + "/Streams.json",
			"transcriptions":                     uri + "/Transcriptions.json",
			"user_defined_message_subscriptions": uri + "/UserDefinedMessageSubscriptions.json",
			"user_defined_messages":              uri + "/UserDefinedMessages.json",
		},
	}
	if !c.AnsweredAt.IsZero() {
		res["start_time"] = twilioTime(c.AnsweredAt)
	}
	if !c.EndedAt.IsZero() {
		res["end_time"] = twilioTime(c.EndedAt)
		res["duration"] = strconv.Itoa(c.Duration)
	}
	return res
}

func twilioTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// errorCode is Twilio's code for an HTTP status: 20000 + status, but 20003
// for 401.
func errorCode(status int) int {
	if status == http.StatusUnauthorized {
		return 20003
	}
	return 20000 + status
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, map[string]any{
		"code":      code,
		"message":   msg,
		"more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code),
		"status":    status,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
