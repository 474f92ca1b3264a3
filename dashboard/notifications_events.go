package dashboard

import (
	"github.com/beckonhq/beckon/notify"
)

// eventSet is the events a channel kind may get, and those a new channel
// of that kind gets unless the owner changes them.
type eventSet struct{ allowed, defaults []string }

// channelEvents are notify's own rules, asked of notify.Channels.Normalize
// once at start rather than copied here, so the checkboxes offer exactly
// what the API accepts (Bitrix24 takes no budget alerts and no reviews).
var channelEvents = func() map[string]eventSet {
	out := map[string]eventSet{}
	for _, kind := range notify.ChannelKinds {
		var s eventSet
		for _, t := range notify.EventTypes {
			if _, err := sampleChannel(kind, []string{t}); err == nil {
				s.allowed = append(s.allowed, t)
			}
		}
		var err error
		if s.defaults, err = sampleChannel(kind, nil); err != nil {
			panic("dashboard: notify refuses a sample " + kind + " channel: " + err.Error())
		}
		out[kind] = s
	}
	return out
}()

// sampleChannel normalizes a valid channel of kind with events and
// returns the events notify keeps (its defaults when events is nil).
func sampleChannel(kind string, events []string) ([]string, error) {
	var c notify.Channels
	var got *[]string
	switch kind {
	case notify.ChannelWebhook:
		c.Webhook = &notify.WebhookChannel{URL: "https://receiver.example/hook", Events: events}
		got = &c.Webhook.Events
	case notify.ChannelTelegram:
		c.Telegram = &notify.TelegramChannel{BotToken: "123456789:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", ChatID: "@sample_chat", Events: events}
		got = &c.Telegram.Events
	case notify.ChannelEmail:
		c.Email = &notify.EmailChannel{To: []string{"owner@receiver.example"}, Events: events}
		got = &c.Email.Events
	case notify.ChannelBitrix24:
		c.Bitrix24 = &notify.Bitrix24Channel{URL: "https://receiver.bitrix24.ru/rest/1/sample/", Events: events}
		got = &c.Bitrix24.Events
	}
	err := c.Normalize(notify.Channels{}, notify.CheckOptions{EmailEnabled: true})
	return *got, err
}
