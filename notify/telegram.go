package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/beckonhq/beckon/store"
)

// DefaultTelegramAPI is the Bot API's base URL (BECKON_TELEGRAM_API_URL
// changes it: a local Bot API server, a test's fake).
const DefaultTelegramAPI = "https://api.telegram.org"

// maxTelegramRunes is what one message may hold (Telegram takes 4096
// characters after parsing the HTML; the tags and entities make room).
const maxTelegramRunes = 3900

// telegramRequest is the body of sendMessage.
type telegramRequest struct {
	ChatID                string `json:"chat_id"`
	Text                  string `json:"text"`
	ParseMode             string `json:"parse_mode"`
	DisableWebPagePreview bool   `json:"disable_web_page_preview"`
}

// telegramAnswer is every Bot API answer: ok, or an error with its code,
// description and, for 429, how long to wait.
type telegramAnswer struct {
	OK          bool   `json:"ok"`
	ErrorCode   int    `json:"error_code"`
	Description string `json:"description"`
	Parameters  struct {
		RetryAfter int `json:"retry_after"`
	} `json:"parameters"`
}

// sendTelegram posts n to the chat as the owner's bot. 429 waits its
// retry_after; 5xx and the network are retried; any other error (a wrong
// token: 401/404; a chat the bot is not in: 400/403) is final: asking
// again gets the same answer until the owner fixes the channel and
// replays.
func (s *Sender) sendTelegram(ctx context.Context, n store.Notification, site SiteInfo, ch TelegramChannel) attemptResult {
	e, err := readEvent(n.Body)
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: err}
	}
	text := telegramText(s.newReport(e, site, channelLang(ch.Lang, site)))
	body, err := json.Marshal(telegramRequest{ChatID: string(ch.ChatID), Text: text, ParseMode: "HTML", DisableWebPagePreview: true})
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.opts.TelegramAPI+"/bot"+ch.BotToken+"/sendMessage", bytes.NewReader(body))
	if err != nil {
		return attemptResult{outcome: OutcomeFailed, err: fmt.Errorf("telegram: %w", redactToken(err, ch.BotToken))}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", userAgent)
	resp, err := s.operator.Do(req)
	if err != nil {
		// The error names the URL, which holds the token.
		return attemptResult{outcome: resultRetry, err: fmt.Errorf("telegram: %w", redactToken(err, ch.BotToken))}
	}
	defer resp.Body.Close()
	var ans telegramAnswer
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	_ = json.Unmarshal(raw, &ans)
	res := attemptResult{status: resp.StatusCode}
	switch code := resp.StatusCode; {
	case code == http.StatusOK && ans.OK:
		res.outcome = OutcomeOK
		return res
	case code == http.StatusTooManyRequests:
		res.outcome = resultRetry
		res.retryAfter = time.Duration(ans.Parameters.RetryAfter) * time.Second
	case code >= 500:
		res.outcome = resultRetry
	default:
		res.outcome = OutcomeFailed
	}
	desc := ans.Description
	if desc == "" {
		desc = resp.Status
	}
	res.err = fmt.Errorf("telegram answered %d: %s", resp.StatusCode, desc)
	return res
}

// redactToken takes the bot's token out of an error that quotes the URL.
func redactToken(err error, token string) error {
	if token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return fmt.Errorf("%s", strings.ReplaceAll(err.Error(), token, mask(token)))
}

// telegramText is r in Telegram's HTML: every value escaped, the title
// bold, the answers under their heading, and a link to the lead.
func telegramText(r report) string {
	var b strings.Builder
	esc := html.EscapeString
	b.WriteString("<b>" + esc(r.Title) + "</b>")
	if r.Headline != "" {
		b.WriteString("\n" + esc(r.Headline))
	}
	if r.Site != "" {
		b.WriteString("\n" + esc(r.Texts.Site) + ": " + esc(r.Site))
	}
	section := func(title string, rows []row) {
		if len(rows) == 0 {
			return
		}
		b.WriteString("\n")
		if title != "" {
			b.WriteString("\n<b>" + esc(title) + "</b>")
		}
		for _, x := range rows {
			line := "\n" + esc(x.Value)
			if x.Label != "" {
				line = "\n" + esc(x.Label) + ": " + esc(x.Value)
			}
			if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(line) > maxTelegramRunes-200 {
				b.WriteString("\n…")
				return
			}
			b.WriteString(line)
		}
	}
	section("", r.Contact)
	section(r.Texts.Answers, r.Answers)
	section("", r.Result)
	section("", r.Details)
	if r.Link != "" {
		b.WriteString("\n\n<a href=\"" + esc(r.Link) + "\">" + esc(r.LinkText) + "</a>")
	}
	return b.String()
}
