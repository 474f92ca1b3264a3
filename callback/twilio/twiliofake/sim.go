package twiliofake

import (
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Sign computes X-Twilio-Signature the way Twilio does: base64 of
// HMAC-SHA1, keyed with the auth token, over the full URL followed by each
// POST parameter's name and value, sorted by name.
func Sign(authToken, fullURL string, form url.Values) string {
	var b strings.Builder
	b.WriteString(fullURL)
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		for _, v := range form[k] {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	mac := hmac.New(sha1.New, []byte(authToken))
	mac.Write([]byte(b.String()))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// next is where a call's TwiML comes from next: a URL to POST to (with
// form added to the call's parameters), or TwiML given inline.
type next struct {
	url   string
	form  url.Values
	kind  string // for Webhook.Kind
	twiml string
}

func eventSet(events []string) map[string]bool {
	set := make(map[string]bool, 4)
	for _, e := range events {
		for _, w := range strings.Fields(e) {
			set[w] = true
		}
	}
	if len(set) == 0 {
		set["completed"] = true // Twilio's default
	}
	return set
}

// register adds c to the fake; f.mu is held.
func (f *Fake) register(c *call) {
	f.calls[c.SID] = c
	f.order = append(f.order, c)
	f.notify()
}

// runAPICall plays a call created through the API.
func (f *Fake) runAPICall(c *call, inline string) {
	defer f.wg.Done()
	defer c.cancel()

	f.progress(c, "initiated", "initiated")
	if !sleep(c.ctx, f.opts.Step) {
		f.finish(c, "canceled")
		return
	}
	f.progress(c, "ringing", "ringing")
	switch res := f.ring(c, time.Duration(c.Timeout)*f.opts.Second); res {
	case "answered":
	case "":
		f.finish(c, "canceled")
		return
	default:
		f.finish(c, res)
		return
	}
	if !f.answer(c, !c.AsyncAmd) {
		f.finish(c, "canceled")
		return
	}
	if c.amd && c.AsyncAmd {
		// The TwiML runs meanwhile; the verdict comes on its own.
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			if sleep(c.ctx, f.opts.AMDAfter) {
				f.detect(c)
			}
		}()
	}
	ctx := c.ctx
	if d := c.behavior.HangUpAfter; d > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	first := next{url: c.URL, kind: "url"}
	if inline != "" {
		first = next{twiml: inline}
	}
	f.execute(ctx, c, first)
	f.finish(c, "completed")
}

// ring lets c's phone ring for at most timeout and returns how it ended:
// answered, busy, no-answer, failed, or "" when the call was hung up.
func (f *Fake) ring(c *call, timeout time.Duration) string {
	b := c.behavior
	switch {
	case b.Fail:
		if !sleep(c.ctx, f.opts.Step) {
			return ""
		}
		return "failed"
	case b.Busy:
		if !sleep(c.ctx, max(b.RingFor, f.opts.Step)) {
			return ""
		}
		return "busy"
	}
	answers := b.Answer && !b.NoAnswer
	d := b.RingFor
	if answers && timeout > 0 && d >= timeout {
		answers = false
	}
	if !answers && (d <= 0 || d > timeout) {
		d = timeout
	}
	if !sleep(c.ctx, d) {
		return ""
	}
	if answers {
		return "answered"
	}
	return "no-answer"
}

// answer puts c in progress; sync tells whether machine detection has
// given its verdict by now (the in-progress callback carries AnsweredBy)
// rather than later (asynchronous detection).
func (f *Fake) answer(c *call, sync bool) bool {
	f.mu.Lock()
	if c.Ended() || c.ctx.Err() != nil {
		f.mu.Unlock()
		return false
	}
	c.Status = "in-progress"
	c.AnsweredAt = time.Now()
	if c.amd && sync {
		c.AnsweredBy = verdict(c.behavior)
	}
	f.notify()
	f.mu.Unlock()
	f.progress(c, "in-progress", "answered")
	return true
}

func verdict(b Behavior) string {
	switch {
	case b.AnsweredBy != "":
		return b.AnsweredBy
	case b.Machine:
		return "machine_start"
	}
	return "human"
}

// detect gives machine detection's verdict on c and posts it to c's
// AmdStatusCallback, unless the call is over by then.
func (f *Fake) detect(c *call) {
	f.mu.Lock()
	if c.Ended() || c.ctx.Err() != nil || f.closed {
		f.mu.Unlock()
		return
	}
	v := verdict(c.behavior)
	c.AnsweredBy = v
	form := url.Values{
		"AccountSid":               {f.opts.AccountSID},
		"CallSid":                  {c.SID},
		"AnsweredBy":               {v},
		"MachineDetectionDuration": {strconv.Itoa(int(f.opts.AMDAfter / time.Millisecond))},
	}
	u := c.AmdStatusCallback
	f.notify()
	f.mu.Unlock()
	if u != "" {
		f.post(c, "amd", u, form)
	}
}

// progress moves c to status and posts the status callback for event when
// it was asked for.
func (f *Fake) progress(c *call, status, event string) {
	f.mu.Lock()
	if c.Ended() || f.closed {
		f.mu.Unlock()
		return
	}
	c.Status = status
	form := f.statusParams(c)
	want := c.events[event] && c.StatusCallback != ""
	f.notify()
	f.mu.Unlock()
	if want {
		f.post(c, "status", c.StatusCallback, form)
	}
}

// finish ends c with status (or with what the API ended it with) and posts
// the final status callback. When the fake is closing it posts nothing.
func (f *Fake) finish(c *call, status string) {
	f.mu.Lock()
	if c.endAs != "" {
		status = c.endAs
	} else if c.Ended() {
		status = c.Status
	}
	if status == "canceled" && !c.AnsweredAt.IsZero() {
		status = "completed"
	}
	c.Status = status
	if c.EndedAt.IsZero() {
		c.EndedAt = time.Now()
	}
	if !c.AnsweredAt.IsZero() {
		c.Duration = max(1, int((c.EndedAt.Sub(c.AnsweredAt)+time.Second-1)/time.Second))
	}
	form := f.statusParams(c)
	if !c.AnsweredAt.IsZero() {
		form.Set("CallDuration", strconv.Itoa(c.Duration))
	}
	want := c.events["completed"] && c.StatusCallback != "" && !f.closed
	f.notify()
	f.mu.Unlock()
	if want {
		f.post(c, "status", c.StatusCallback, form)
	}
}

// params are the parameters of every request about c; f.mu is held.
func (f *Fake) params(c *call) url.Values {
	v := url.Values{
		"AccountSid": {f.opts.AccountSID},
		"ApiVersion": {apiVersion},
		"CallSid":    {c.SID},
		"CallStatus": {c.Status},
		"Called":     {c.To},
		"Caller":     {c.From},
		"Direction":  {c.Direction},
		"From":       {c.From},
		"To":         {c.To},
	}
	if c.ParentSID != "" {
		v.Set("ParentCallSid", c.ParentSID)
	}
	if c.AnsweredBy != "" {
		v.Set("AnsweredBy", c.AnsweredBy)
	}
	return v
}

// statusParams are a status callback's parameters; f.mu is held.
func (f *Fake) statusParams(c *call) url.Values {
	v := f.params(c)
	v.Set("CallbackSource", "call-progress-events")
	v.Set("SequenceNumber", strconv.Itoa(c.seq))
	v.Set("Timestamp", twilioTime(f.opts.Now()))
	c.seq++
	return v
}

// post sends a signed webhook and records it. It returns the body of a 2xx
// response; ok is false for anything else.
func (f *Fake) post(c *call, kind, u string, form url.Values) (body []byte, ok bool) {
	wh := Webhook{Kind: kind, URL: u, Form: cloneValues(form), At: time.Now()}
	defer func() {
		f.update(func() {
			c.Webhooks = append(c.Webhooks, wh)
			if !ok {
				c.Errors = append(c.Errors, fmt.Sprintf("%s webhook %s: status %d %s", kind, u, wh.Status, wh.Err))
			}
		})
	}()
	req, err := http.NewRequestWithContext(f.ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		wh.Err = err.Error()
		return nil, false
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("User-Agent", "TwilioProxy/1.1")
	req.Header.Set("X-Twilio-Signature", Sign(f.opts.AuthToken, u, form))
	req.Header.Set("I-Twilio-Idempotency-Token", randomHex(16))
	resp, err := f.client.Do(req)
	if err != nil {
		wh.Err = err.Error()
		return nil, false
	}
	defer resp.Body.Close()
	wh.Status = resp.StatusCode
	body, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		wh.Err = err.Error()
		return nil, false
	}
	return body, resp.StatusCode >= 200 && resp.StatusCode < 300
}

func (f *Fake) fail(c *call, msg string) {
	f.update(func() { c.Errors = append(c.Errors, msg) })
}

// execute runs c's TwiML from n on until the call should end.
func (f *Fake) execute(ctx context.Context, c *call, n next) {
	for ctx.Err() == nil {
		var doc []byte
		base := c.URL
		if n.url == "" && n.twiml == "" {
			return
		}
		if n.twiml != "" {
			doc = []byte(n.twiml)
		} else {
			f.mu.Lock()
			form := f.params(c)
			f.mu.Unlock()
			for k, vs := range n.form {
				form[k] = vs
			}
			body, ok := f.post(c, n.kind, n.url, form)
			if !ok {
				// Twilio: "An application error has occurred", and hangs up.
				return
			}
			doc, base = body, n.url
		}
		var more bool
		n, more = f.run(ctx, c, doc, base)
		if !more {
			return
		}
	}
}

// node is any TwiML element.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []node     `xml:",any"`
}

func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n *node) attrInt(name string, def int) int {
	if v, err := strconv.Atoi(n.attr(name)); err == nil {
		return v
	}
	return def
}

func (n *node) attrMap() map[string]string {
	if n == nil {
		return nil
	}
	m := make(map[string]string, len(n.Attrs))
	for _, a := range n.Attrs {
		m[a.Name.Local] = a.Value
	}
	return m
}

// run interprets one TwiML document and says where to go next.
func (f *Fake) run(ctx context.Context, c *call, doc []byte, base string) (next, bool) {
	var root node
	if err := xml.Unmarshal(doc, &root); err != nil || root.XMLName.Local != "Response" {
		f.fail(c, fmt.Sprintf("invalid TwiML from %s: %v: %.200q", base, err, doc))
		return next{}, false
	}
	for i := range root.Nodes {
		v := &root.Nodes[i]
		switch v.XMLName.Local {
		case "Say":
			if n, st := f.say(ctx, c, v); st != waitDone {
				return n, st == waitRedirect
			}
		case "Pause":
			if n, st := f.wait(ctx, c, time.Duration(v.attrInt("length", 1))*f.opts.Second); st != waitDone {
				return n, st == waitRedirect
			}
		case "Gather":
			n, st := f.gather(ctx, c, v, base)
			if st == waitDone {
				continue
			}
			return n, st == waitRedirect || st == waitNext
		case "Dial":
			n, more := f.dial(ctx, c, v, base)
			if n.url != "" || n.twiml != "" || !more {
				return n, more
			}
		case "Redirect":
			return next{url: resolve(base, strings.TrimSpace(v.Text)), kind: "redirect"}, true
		case "Hangup", "Reject":
			return next{}, false
		default:
			f.fail(c, "unsupported TwiML verb <"+v.XMLName.Local+">")
		}
	}
	return next{}, false
}

type waitResult int

const (
	waitDone     waitResult = iota // the time passed
	waitEnded                      // the call ended meanwhile
	waitRedirect                   // the API redirected the call
	waitNext                       // (gather) keys were pressed: go to the action
)

// wait lets d pass on c's line, unless the call ends or is redirected.
func (f *Fake) wait(ctx context.Context, c *call, d time.Duration) (next, waitResult) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return next{}, waitDone
	case <-ctx.Done():
		return next{}, waitEnded
	case n := <-c.redirect:
		return n, waitRedirect
	}
}

func (f *Fake) say(ctx context.Context, c *call, v *node) (next, waitResult) {
	s := Said{Text: strings.TrimSpace(v.Text), Language: v.attr("language"), Voice: v.attr("voice")}
	f.update(func() { c.Said = append(c.Said, s) })
	return f.wait(ctx, c, f.opts.Step)
}

// gather plays the <Gather>'s prompts and presses the scripted keys.
func (f *Fake) gather(ctx context.Context, c *call, v *node, base string) (next, waitResult) {
	for i := range v.Nodes {
		p := &v.Nodes[i]
		var (
			n  next
			st waitResult
		)
		switch p.XMLName.Local {
		case "Say":
			n, st = f.say(ctx, c, p)
		case "Pause":
			n, st = f.wait(ctx, c, time.Duration(p.attrInt("length", 1))*f.opts.Second)
		}
		if st != waitDone {
			return n, st
		}
	}
	want := v.attrInt("numDigits", 0)
	f.mu.Lock()
	keys := c.keys
	if want > 0 && len(keys) > want {
		keys = keys[:want]
	}
	c.keys = c.keys[len(keys):]
	f.mu.Unlock()
	if keys == "" {
		return f.wait(ctx, c, time.Duration(v.attrInt("timeout", 5))*f.opts.Second)
	}
	if n, st := f.wait(ctx, c, f.opts.Step); st != waitDone {
		return n, st
	}
	f.update(func() { c.Digits += keys })
	action := v.attr("action")
	if action == "" {
		action = base
	}
	return next{url: resolve(base, action), kind: "gather", form: url.Values{"Digits": {keys}, "FinishedOnKey": {""}}}, waitNext
}

// dial runs a <Dial> with one <Number> (or a number as text): it places
// the child leg, bridges it, and returns the action to request when the
// <Dial> has one. more is false when the calling leg is gone.
func (f *Fake) dial(ctx context.Context, parent *call, v *node, base string) (n next, more bool) {
	var num *node
	for i := range v.Nodes {
		if v.Nodes[i].XMLName.Local == "Number" {
			num = &v.Nodes[i]
			break
		}
	}
	number := strings.TrimSpace(v.Text)
	if num != nil {
		number = strings.TrimSpace(num.Text)
	}
	callerID := v.attr("callerId")
	if callerID == "" {
		callerID = parent.From
	}
	timeout := v.attrInt("timeout", 30)

	b := f.behavior(number)
	child := &call{
		Call: Call{
			SID:                 newSID(),
			ParentSID:           parent.SID,
			Direction:           "outbound-dial",
			To:                  number,
			From:                callerID,
			Status:              "queued",
			StatusCallback:      resolve(base, num.attr("statusCallback")),
			StatusCallbackEvent: strings.Fields(num.attr("statusCallbackEvent")),
			MachineDetection:    num.attr("machineDetection"),
			CreatedAt:           time.Now(),
		},
		behavior: b,
		keys:     b.Digits,
		redirect: make(chan next, 1),
	}
	child.events = eventSet(child.StatusCallbackEvent)
	child.amd = child.MachineDetection != ""
	child.AsyncAmd = child.amd && !f.opts.SyncAMD
	child.AmdStatusCallback = resolve(base, num.attr("amdStatusCallback"))
	child.numberURL = resolve(base, num.attr("url"))
	child.ctx, child.cancel = context.WithCancel(ctx)
	defer child.cancel()

	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return next{}, false
	}
	f.register(child)
	parent.Children = append(parent.Children, child.SID)
	parent.Dials = append(parent.Dials, Dial{Attrs: v.attrMap(), Number: number, NumberAttrs: num.attrMap(), ChildSID: child.SID})
	dialIndex := len(parent.Dials) - 1
	f.mu.Unlock()

	status, redirect := f.bridge(ctx, parent, child, time.Duration(timeout)*f.opts.Second)

	f.mu.Lock()
	parent.Dials[dialIndex].DialCallStatus = status
	form := url.Values{"DialCallStatus": {status}, "DialCallSid": {child.SID}, "DialBridged": {strconv.FormatBool(!child.AnsweredAt.IsZero())}}
	if !child.AnsweredAt.IsZero() {
		form.Set("DialCallDuration", strconv.Itoa(child.Duration))
	}
	closing := f.closed
	f.mu.Unlock()

	if closing {
		return next{}, false
	}
	if redirect != nil {
		return *redirect, true
	}
	action := v.attr("action")
	if ctx.Err() != nil {
		// The caller hung up: Twilio still tells the action, and ignores
		// what it answers.
		if action != "" {
			f.mu.Lock()
			p := f.params(parent)
			f.mu.Unlock()
			p.Set("CallStatus", "completed")
			for k, vs := range form {
				p[k] = vs
			}
			f.post(parent, "dial-action", resolve(base, action), p)
		}
		return next{}, false
	}
	if action == "" {
		return next{}, true // go on with the verbs after <Dial>
	}
	return next{url: resolve(base, action), kind: "dial-action", form: form}, true
}

// bridge rings the child, bridges it with the parent until one side hangs
// up, and returns the DialCallStatus (and the redirect that broke the
// bridge, if one did). With machine detection the verdict is given before
// the bridge (SyncAMD) or during it.
func (f *Fake) bridge(ctx context.Context, parent, child *call, timeout time.Duration) (string, *next) {
	f.progress(child, "initiated", "initiated")
	if !sleep(child.ctx, f.opts.Step) {
		f.finish(child, "canceled")
		return f.endStatus(child), nil
	}
	f.progress(child, "ringing", "ringing")
	res := f.ring(child, timeout)
	if res != "answered" {
		if res == "" {
			res = "canceled"
		}
		f.finish(child, res)
		return f.endStatus(child), nil
	}
	sync := child.amd && !child.AsyncAmd
	if sync && !sleep(child.ctx, f.opts.AMDAfter) {
		f.finish(child, "canceled")
		return f.endStatus(child), nil
	}
	if !f.answer(child, sync) {
		f.finish(child, "canceled")
		return f.endStatus(child), nil
	}
	if sync {
		f.detect(child)
	}
	if child.numberURL != "" {
		// Twilio plays the <Number url> TwiML to the called party before
		// bridging; what it says lands in the child's Said.
		f.execute(child.ctx, child, next{url: child.numberURL, kind: "number-url"})
	}

	var talk, amd <-chan time.Time
	if d := child.behavior.TalkFor; d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		talk = t.C
	}
	if child.amd && child.AsyncAmd {
		t := time.NewTimer(f.opts.AMDAfter)
		defer t.Stop()
		amd = t.C
	}
	var redirect *next
loop:
	for {
		select {
		case <-child.ctx.Done():
			break loop
		case <-talk:
			break loop
		case n := <-parent.redirect:
			redirect = &n
			break loop
		case <-amd:
			amd = nil
			f.detect(child)
		}
	}
	f.finish(child, "completed")
	return "completed", redirect
}

// endStatus is the DialCallStatus of a child that never talked.
func (f *Fake) endStatus(c *call) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return c.Status
}

// sleep waits d unless ctx ends first.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// resolve resolves a TwiML URL against the document's URL.
func resolve(base, ref string) string {
	if ref == "" {
		return ""
	}
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}
