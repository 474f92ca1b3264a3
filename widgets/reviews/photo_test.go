package reviews_test

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"net/http"
	"testing"

	"github.com/beckonhq/beckon/server/servertest"
	"github.com/beckonhq/beckon/store"
)

// gpsExif is an APP1 Exif segment as phones write it, with a marker to look
// for: it must not survive the upload.
func withExif(jpg []byte) []byte {
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte("GPS 55.7558N 37.6173E secret-location")...)
	seg := []byte{0xff, 0xe1, byte((len(payload) + 2) >> 8), byte(len(payload) + 2)}
	out := append([]byte{}, jpg[:2]...) // SOI
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

func picture(t *testing.T, w, h int, format string) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&buf, img)
	} else {
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPhotos: an upload is taken by its content (a PNG sent as
// "image/jpeg" is fine, a GIF or text is not), re-encoded as a JPEG of at
// most 1600 px without its EXIF block; over 5 MiB is a 413. The photo is
// served publicly only once its review is published.
func TestPhotos(t *testing.T) {
	servertest.ForEachStore(t, func(t *testing.T, newStore func(t *testing.T) store.Store) {
		e := newEnv(t, servertest.Start(t, newStore(t), servertest.Options{}))
		wid := e.widget(`{}`)
		upload := func(body []byte, ct string) servertest.Response {
			return e.visit("POST", "/widgets/"+wid+"/uploads/photo", body, "Content-Type", ct)
		}
		r := upload([]byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "image/png")
		servertest.ExpectStatus(t, r, http.StatusUnsupportedMediaType)
		servertest.ExpectStatus(t, upload([]byte("just text, named photo.jpg"), "image/jpeg"), http.StatusUnsupportedMediaType)
		// Over 5 MiB, under the server's 6 MiB for uploads: the whole body
		// is sent (servertest.Request sends only the head of a body over
		// 1 MiB) and the widget refuses it.
		big := append(picture(t, 8, 8, "png"), make([]byte, 5<<20)...)
		req, _ := http.NewRequest("POST", e.Base+"/w/v1/"+e.siteKey+"/widgets/"+wid+"/uploads/photo", bytes.NewReader(big))
		req.Header.Set("Origin", origin)
		req.Header.Set("Content-Type", "image/png")
		resp, err := servertest.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge {
			t.Fatalf("a 5 MiB + photo: status %d, want 413", resp.StatusCode)
		}
		broken := picture(t, 64, 64, "jpeg")[:300]
		servertest.ExpectStatus(t, upload(broken, "image/jpeg"), http.StatusUnprocessableEntity)

		// Wide and low: scaled down to 1600 px like a phone's photo, at a
		// twentieth of its pixels (the race detector makes scaling slow).
		r = upload(picture(t, 2000, 100, "png"), "image/jpeg")
		servertest.ExpectStatus(t, r, http.StatusCreated)
		wide := r.JSON(t)["photo_id"].(string)
		r = upload(withExif(picture(t, 300, 200, "jpeg")), "application/octet-stream")
		servertest.ExpectStatus(t, r, http.StatusCreated)
		pid := r.JSON(t)["photo_id"].(string)

		get := e.Admin("GET", "/api/v1/sites/"+e.siteID+"/reviews/photos/"+wide, nil)
		servertest.ExpectStatus(t, get, http.StatusOK)
		cfg, format, err := image.DecodeConfig(bytes.NewReader(get.Body))
		if err != nil || format != "jpeg" || cfg.Width != 1600 || cfg.Height != 80 {
			t.Fatalf("stored photo %s %dx%d (%v), want a 1600x80 JPEG", format, cfg.Width, cfg.Height, err)
		}
		get = e.Admin("GET", "/api/v1/sites/"+e.siteID+"/reviews/photos/"+pid, nil)
		servertest.ExpectStatus(t, get, http.StatusOK)
		if bytes.Contains(get.Body, []byte("secret-location")) || bytes.Contains(get.Body, []byte("Exif")) {
			t.Fatal("the EXIF block survived the upload")
		}

		public := "/reviews/photos/" + pid
		servertest.ExpectStatus(t, e.visit("GET", public, nil), http.StatusNotFound) // no review yet
		r = e.review(wid, map[string]any{"photo_id": pid})
		servertest.ExpectStatus(t, r, http.StatusCreated)
		rid := r.JSON(t)["review_id"].(string)
		servertest.ExpectStatus(t, e.visit("GET", public, nil), http.StatusNotFound) // pending
		// A photo goes with one review only.
		r = e.review(wid, map[string]any{"photo_id": pid, "visitor_id": "v9"})
		servertest.ExpectStatus(t, r, http.StatusUnprocessableEntity)
		servertest.ExpectStatus(t, e.act("POST", rid, "publish", nil), http.StatusOK)
		got := e.visit("GET", public, nil)
		servertest.ExpectStatus(t, got, http.StatusOK)
		if got.Header.Get("Content-Type") != "image/jpeg" {
			t.Fatalf("content type %q", got.Header.Get("Content-Type"))
		}
		if list := e.shown(wid, ""); len(list.Reviews) != 1 || list.Reviews[0].PhotoURL != "/w/v1/"+e.siteKey+public {
			t.Fatalf("shown %+v: with its photo's URL", list)
		}
		servertest.ExpectStatus(t, e.act("POST", rid, "hide", nil), http.StatusOK)
		servertest.ExpectStatus(t, e.visit("GET", public, nil), http.StatusNotFound)

		noPhotos := e.widget(`{"photos":false}`)
		servertest.ExpectStatus(t, e.visit("POST", "/widgets/"+noPhotos+"/uploads/photo", picture(t, 8, 8, "png"), "Content-Type", "image/png"), http.StatusNotFound)
	})
}
