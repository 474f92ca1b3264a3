package countdown_test

import (
	"bytes"
	"image/gif"
	"net/http"
	"testing"
	"time"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// TestTimerEmailGIF: an e-mail's image is a minute of one-second frames
// of the recipient's own deadline, which the site then shows them too; an
// ended offer is one frame; the owner's stats count the recipient.
func TestTimerEmailGIF(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		ts := startTimers(t, newStore(t), nil)
		siteID, key, wid := ts.site(`{"mode":"evergreen","duration_seconds":7200,"color":"#2563eb"}`)
		path := "/w/v1/" + key + "/timers/" + wid + "/email.gif"
		// An e-mail image: no Origin, no cookie.
		r := ts.Request("GET", path+"?r=rcpt-1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if r.Header.Get("Content-Type") != "image/gif" || r.Header.Get("Cache-Control") == "" ||
			!bytes.Contains([]byte(r.Header.Get("Cache-Control")), []byte("no-store")) || r.Header.Get("Set-Cookie") != "" {
			t.Fatalf("headers %v", r.Header)
		}
		img, err := gif.DecodeAll(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatalf("not a GIF: %v", err)
		}
		if len(img.Image) != 60 || img.Config.Width != 480 || img.Config.Height != 120 {
			t.Fatalf("%d frames of %dx%d, want 60 of 480x120", len(img.Image), img.Config.Width, img.Config.Height)
		}
		for i, d := range img.Delay {
			if d != 100 {
				t.Fatalf("frame %d delay %d, want 100 (1 s)", i, d)
			}
		}
		// The first open started the recipient's deadline; the site shows
		// the same one to a visitor who came from the e-mail's link.
		a := ts.post(key, wid, map[string]any{"visitor_id": "another-device", "recipient": "rcpt-1"})
		if d := a.Deadline.Sub(a.Now); d > 7200*time.Second || d < 7190*time.Second {
			t.Fatalf("the site's deadline for the recipient is %v ahead, want the e-mail's", d)
		}
		servertest.ExpectStatus(t, ts.Request("GET", path, nil), http.StatusUnprocessableEntity)
		servertest.ExpectStatus(t, ts.Request("GET", "/w/v1/"+key+"/timers/wdg_nope/email.gif?r=x", nil), http.StatusNotFound)

		// Ended: one "offer ended" frame.
		_, key2, wid2 := ts.site(`{"mode":"fixed","deadline":"2020-01-01T00:00:00Z"}`)
		r = ts.Request("GET", "/w/v1/"+key2+"/timers/"+wid2+"/email.gif?r=rcpt-1", nil)
		servertest.ExpectStatus(t, r, http.StatusOK)
		if img, err := gif.DecodeAll(bytes.NewReader(r.Body)); err != nil || len(img.Image) != 1 {
			t.Fatalf("ended image: %v", err)
		}

		// The owner sees who started and who is still running.
		if st := ts.stats(siteID, wid); st.Started != 1 || st.Running != 1 || st.Expired != 0 {
			t.Fatalf("stats %+v", st)
		}
	})
}
