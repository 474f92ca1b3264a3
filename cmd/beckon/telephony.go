package main

import (
	"log/slog"

	"github.com/beckonhq/beckon/callback"
	"github.com/beckonhq/beckon/callback/sim"
	"github.com/beckonhq/beckon/callback/twilio"
	"github.com/beckonhq/beckon/config"
)

// telephony picks the callback bridge's provider: Twilio when its account
// is configured, else the simulator, whose numbers answer by themselves.
func telephony(cfg config.Config, log *slog.Logger) (callback.Provider, error) {
	if cfg.TwilioSID == "" {
		log.Info("telephony: simulated calls (set BECKON_TWILIO_ACCOUNT_SID for Twilio)")
		return sim.New(sim.DefaultDelays), nil
	}
	log.Info("telephony: twilio", slog.String("account", cfg.TwilioSID))
	return twilio.New(twilio.Options{AccountSID: cfg.TwilioSID, AuthToken: cfg.TwilioToken,
		From: cfg.TwilioFrom, PublicURL: cfg.PublicURL, Voices: cfg.TwilioVoices, Logger: log})
}
