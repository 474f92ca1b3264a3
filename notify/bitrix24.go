package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/beckonhq/beckon/store"
)

// bitrixMethod is the REST method that adds a CRM lead, after the
// incoming webhook's base URL.
const bitrixMethod = "crm.lead.add.json"

// Bitrix24Sources are the lead's fields a Bitrix24 field may be filled
// from; besides them hidden.<name> (a page's field), answer.<step> (an
// answer's text) and value.<formula> (a computed value).
var Bitrix24Sources = []string{
	"title", "name", "phone", "email", "messenger", "comments", "source_description", "summary",
	"lead_id", "page_url", "referrer", "source",
	"utm_source", "utm_medium", "utm_campaign", "utm_content", "utm_term",
}

// DefaultBitrix24Fields is where the lead's fields go unless the channel's
// fields say otherwise: the standard fields of a Bitrix24 lead.
var DefaultBitrix24Fields = map[string]string{
	"title": "TITLE", "name": "NAME", "phone": "PHONE", "email": "EMAIL", "comments": "COMMENTS",
	"source_description": "SOURCE_DESCRIPTION",
	"utm_source":         "UTM_SOURCE", "utm_medium": "UTM_MEDIUM", "utm_campaign": "UTM_CAMPAIGN",
	"utm_content": "UTM_CONTENT", "utm_term": "UTM_TERM",
}

// bitrixMultiFields are Bitrix24's multi-value fields, which take a list
// of {VALUE, VALUE_TYPE}.
var bitrixMultiFields = map[string]bool{"PHONE": true, "EMAIL": true, "IM": true, "WEB": true}

// bitrixRetryErrors are REST errors worth asking again: limits and the
// portal's own trouble. Any other (INVALID_CREDENTIALS, NO_AUTH_FOUND,
// insufficient_scope, ERROR_METHOD_NOT_FOUND, a field's value refused …)
// gets the same answer until the owner fixes the channel.
var bitrixRetryErrors = map[string]bool{
	"QUERY_LIMIT_EXCEEDED": true, "OPERATION_TIME_LIMIT": true, "INTERNAL_SERVER_ERROR": true,
	"ERROR_SERVER": true,
}

// bitrixAnswer is crm.lead.add's answer: {"result": id} or {"error": …}.
type bitrixAnswer struct {
	Result      json.RawMessage `json:"result"`
	Error       string          `json:"error"`
	Description string          `json:"error_description"`
}

// sendBitrix24 adds n's lead to the portal's CRM. The URL is the owner's,
// so it goes through the address guard like a webhook.
func (s *Sender) sendBitrix24(ctx context.Context, n store.Notification, site SiteInfo, ch Bitrix24Channel) attemptResult {
	e, err := readEvent(n.Body)
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: err}
	}
	body, err := json.Marshal(map[string]any{
		"fields": bitrixFields(s.newReport(e, site, channelLang("", site)), e, ch.Fields),
		"params": map[string]string{"REGISTER_SONET_EVENT": "Y"},
	})
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ch.URL+bitrixMethod, bytes.NewReader(body))
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: errors.New("bitrix24: the webhook URL does not make a request")}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := s.client.Do(req)
	switch {
	case errors.Is(err, ErrForbiddenAddress):
		return attemptResult{outcome: OutcomeRefused, err: err}
	case errors.Is(err, errTooManyRedirects), errors.Is(err, errRedirectToGet):
		return attemptResult{outcome: OutcomeFailed, err: err}
	case err != nil:
		// The error quotes the URL, whose path is the webhook's secret.
		return attemptResult{outcome: resultRetry, err: fmt.Errorf("bitrix24: %s", strings.ReplaceAll(err.Error(), ch.URL, maskBitrixURL(ch.URL)))}
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	var ans bitrixAnswer
	_ = json.Unmarshal(raw, &ans)
	res := attemptResult{status: resp.StatusCode}
	if resp.StatusCode == http.StatusOK && ans.Error == "" && len(ans.Result) > 0 && string(ans.Result) != "null" && string(ans.Result) != "false" {
		res.outcome = OutcomeOK
		return res
	}
	res.outcome = OutcomeFailed
	if bitrixRetryErrors[ans.Error] || (ans.Error == "" && resp.StatusCode >= 500) || resp.StatusCode == http.StatusTooManyRequests {
		res.outcome = resultRetry
	}
	what := ans.Error
	if ans.Description != "" {
		what += ": " + ans.Description
	}
	if what == "" {
		what = resp.Status
	}
	res.err = fmt.Errorf("bitrix24 answered %d %s", resp.StatusCode, what)
	return res
}

// bitrixFields maps the lead of e onto Bitrix24's lead fields: the
// defaults, changed by the channel's own mapping.
func bitrixFields(r report, e eventBody, mapping map[string]string) map[string]any {
	m := maps.Clone(DefaultBitrix24Fields)
	maps.Copy(m, mapping)
	out := map[string]any{}
	for src, dst := range m {
		if dst == "" {
			continue
		}
		v := bitrixValue(src, r, e)
		if v == "" {
			continue
		}
		if bitrixMultiFields[dst] {
			out[dst] = []map[string]string{{"VALUE": v, "VALUE_TYPE": "WORK"}}
		} else {
			out[dst] = v
		}
	}
	return out
}

// bitrixValue is the lead's field src as text; "" when it has none.
func bitrixValue(src string, r report, e eventBody) string {
	l := e.Data.Lead
	if src == "title" {
		title := "Beckon: " + r.Title
		if r.Headline != "" {
			title += " — " + r.Headline
		}
		return title
	}
	if src == "comments" {
		// COMMENTS is an HTML field in Bitrix24: the visitor's words are
		// escaped, the lines kept.
		return strings.ReplaceAll(html.EscapeString(strings.TrimSpace(r.plain())), "\n", "<br>\n")
	}
	if l == nil {
		return ""
	}
	if kind, name, ok := strings.Cut(src, "."); ok {
		switch kind {
		case "hidden":
			return l.Hidden[name]
		case "answer":
			for _, a := range l.Answers {
				if a.Step == name {
					return a.Text
				}
			}
		case "value":
			if l.Result != nil {
				if v, ok := l.Result.Values[name]; ok {
					return strconv.FormatFloat(v, 'f', -1, 64)
				}
			}
		}
		return ""
	}
	switch src {
	case "name":
		return l.Contact.Name
	case "phone":
		return l.Contact.Phone
	case "email":
		return l.Contact.Email
	case "messenger":
		return l.Contact.Messenger
	case "summary":
		return l.Summary
	case "lead_id":
		return l.ID
	case "page_url":
		return l.PageURL
	case "referrer":
		return l.Referrer
	case "source":
		return l.Source
	case "source_description":
		parts := []string{}
		for _, p := range []string{l.PageURL, l.Referrer, l.Source} {
			if p != "" {
				parts = append(parts, p)
			}
		}
		return strings.Join(parts, "\n")
	}
	if strings.HasPrefix(src, "utm_") {
		return l.UTM[src]
	}
	return ""
}
