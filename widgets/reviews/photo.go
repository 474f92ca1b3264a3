package reviews

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // decoded by image.Decode
	"net/http"
	"runtime"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/image/draw"
	_ "golang.org/x/image/webp" // decoded by image.Decode

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// Bounds of a photo.
const (
	maxPhotoIn = 5 << 20 // bytes uploaded
	maxSide    = 1600    // pixels of the longer side stored
	// maxPixels refuses images whose decoding alone would take hundreds
	// of megabytes (a small file can claim 50 000 × 50 000 pixels).
	maxPixels = 40_000_000
)

// decodeSlots bounds the photos decoded at once to the CPUs.
var decodeSlots = make(chan struct{}, max(1, runtime.NumCPU()))

// photoTypes are the formats taken, by what the content is (sniffed), never
// by a name or a header the client chose.
var photoTypes = map[string]bool{"image/jpeg": true, "image/png": true, "image/webp": true}

func photoError(status int, code, msg string) error {
	reviewsRefused.WithLabelValues("photo").Inc()
	return &api.Error{Status: status, Code: code, Message: msg}
}

// uploadPhoto is POST /w/v1/{siteKey}/widgets/{wid}/uploads/photo: the raw
// image as the body. It is decoded and encoded again as JPEG, no larger
// than maxSide, which drops every metadata block (EXIF with a location,
// comments) and anything hidden after the image.
func (m *Module) uploadPhoto(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	w, ok := site.Enabled(widgetType, c.Params("wid"))
	if !ok {
		return api.NotFound("reviews widget")
	}
	if s := w.Parsed.(*Settings); !s.Photos || s.Mode == "show" {
		return api.NotFound("photo uploads of this widget")
	}
	body := c.Body()
	if len(body) > maxPhotoIn {
		return photoError(http.StatusRequestEntityTooLarge, "too_large", "the photo is larger than 5 MiB")
	}
	if len(body) == 0 {
		return photoError(http.StatusUnprocessableEntity, "invalid", "the body is empty: send the image's bytes")
	}
	if ct := http.DetectContentType(body); !photoTypes[ct] {
		return photoError(http.StatusUnsupportedMediaType, "unsupported_media_type", fmt.Sprintf("the photo must be a JPEG, PNG or WebP image; this is %s", ct))
	}
	ctx, ip := c.UserContext(), m.deps.ClientIP(c)
	if err := m.limiter().Hit(ctx, site.ID, "photo:ip:"+ip, m.opts.Limits.PhotosPerIP); err != nil {
		return err
	}
	// Decoding is CPU and memory (up to 160 MB for 40 megapixels): a few
	// at a time, the rest wait their turn while their request lasts.
	select {
	case decodeSlots <- struct{}{}:
	case <-ctx.Done():
		return &api.Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "too many photos at once; retry in a moment", RetryAfter: 1}
	}
	data, err := reencode(body)
	<-decodeSlots
	if err != nil {
		return err
	}
	// The store gets its own deadline: a large photo's decoding may have
	// used up the request's, and the visitor waited for it already.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), api.StoreDeadline)
	defer cancel()
	p := store.ReviewPhoto{ID: newID("ph_"), ContentType: "image/jpeg", Data: data, CreatedAt: m.deps.Now().UTC()}
	if err := m.deps.Store.PutReviewPhoto(wctx, site.ID, p); err != nil {
		return fmt.Errorf("reviews: store photo: %w", err)
	}
	return c.Status(http.StatusCreated).JSON(fiber.Map{"photo_id": p.ID})
}

// reencode decodes an image and encodes it as a JPEG of at most maxSide
// pixels a side and store.MaxReviewPhotoBytes. An image it cannot take is
// refused with a 422; the decoder's own words ("unexpected EOF") are not
// passed on, as they cannot be told in the reader's language.
func reencode(in []byte) ([]byte, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(in))
	if err != nil {
		return nil, photoError(http.StatusUnprocessableEntity, "invalid", "the image cannot be read")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > maxPixels {
		return nil, photoError(http.StatusUnprocessableEntity, "invalid",
			fmt.Sprintf("the image is %d × %d pixels; at most %d megapixels are taken", cfg.Width, cfg.Height, maxPixels/1_000_000))
	}
	src, _, err := image.Decode(bytes.NewReader(in))
	if err != nil {
		return nil, photoError(http.StatusUnprocessableEntity, "invalid", "the image cannot be read")
	}
	b := src.Bounds()
	wd, ht := b.Dx(), b.Dy()
	if long := max(wd, ht); long > maxSide {
		wd, ht = max(1, wd*maxSide/long), max(1, ht*maxSide/long)
	}
	// Drawn on white: a transparent PNG must not turn black in a JPEG.
	dst := image.NewRGBA(image.Rect(0, 0, wd, ht))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	draw.CatmullRom.Scale(dst, dst.Bounds(), src, b, draw.Over, nil)
	for _, q := range []int{85, 70, 55} {
		var out bytes.Buffer
		if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: q}); err != nil {
			return nil, fmt.Errorf("reviews: encode the photo: %w", err)
		}
		if out.Len() <= store.MaxReviewPhotoBytes {
			return out.Bytes(), nil
		}
	}
	return nil, photoError(http.StatusUnprocessableEntity, "invalid", "the photo stays over 2 MiB once compressed")
}

// publicPhoto is GET /w/v1/{siteKey}/reviews/photos/{pid}: the photo of a
// published review, and nothing for anyone else.
func (m *Module) publicPhoto(c *fiber.Ctx) error {
	site := widgets.SiteOf(c)
	ctx := c.UserContext()
	p, rid, err := m.deps.Store.GetReviewPhoto(ctx, site.ID, c.Params("pid"))
	if err == nil && rid == "" {
		err = store.ErrNotFound
	}
	var r store.Review
	if err == nil {
		r, err = m.deps.Store.GetReview(ctx, site.ID, rid)
	}
	if err == nil && r.Status != store.ReviewPublished {
		err = store.ErrNotFound
	}
	if err != nil {
		return api.NotFoundAs(err, "photo")
	}
	// Short-lived: a review hidden later stops showing its photo soon.
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return sendPhoto(c, p)
}

// adminPhoto is GET /api/v1/sites/{id}/reviews/photos/{pid}: any photo,
// so the owner sees it before publishing.
func (m *Module) adminPhoto(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, m.deps.Store, "leads:read")
	if err != nil {
		return err
	}
	p, _, err := m.deps.Store.GetReviewPhoto(c.UserContext(), site.ID, c.Params("pid"))
	if err != nil {
		return api.NotFoundAs(err, "photo")
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return sendPhoto(c, p)
}

func sendPhoto(c *fiber.Ctx, p store.ReviewPhoto) error {
	c.Set(fiber.HeaderContentType, p.ContentType)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Cross-Origin-Resource-Policy", "cross-origin")
	return c.Send(p.Data)
}
