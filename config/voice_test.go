package config

import (
	"strings"
	"testing"
)

func TestTwilioVoices(t *testing.T) {
	c, err := Load(nil, func(k string) string {
		return map[string]string{"BECKON_TWILIO_VOICE_UK": "Google.uk-UA-Wavenet-A"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"ru": "Google.ru-RU-Standard-A", "uk": "Google.uk-UA-Wavenet-A", "en": "Google.en-US-Standard-C"}
	for lang, v := range want {
		if c.TwilioVoices[lang] != v {
			t.Errorf("voice %s = %q, want %q", lang, c.TwilioVoices[lang], v)
		}
	}
	if _, err := Load([]string{"-twilio-voice-ru", `man"><Hangup/>`}, func(string) string { return "" }); err == nil ||
		!strings.Contains(err.Error(), "BECKON_TWILIO_VOICE_RU") {
		t.Errorf("a voice that is not a name: %v", err)
	}
}
