// Package embed serves the front end that visitors' browsers load from
// Beckon: the loader GET /embed.js and the widget bundles GET /embed/{file}.
//
// The sources live beside this file (src/, TypeScript); `npm run build`
// writes dist/, which is committed and compiled into the binary, so neither
// building nor running Beckon needs Node. dist/manifest.json names the loader
// and, for each widget type, its content-hashed bundle:
//
//	{"loader":"embed.js","widgets":{"countdown":"countdown.1a2b3c4d.js"}}
//
// Every file is read, gzipped and hashed once, when Assets is built; serving
// is a map lookup and a header comparison.
package embed

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	stdembed "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"mime"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"
)

// ManifestName is the file in the assets' root that names the others.
const ManifestName = "manifest.json"

// Cache lifetimes: the loader keeps one name across releases, so browsers
// check it again after a few minutes; bundles' names change with their
// content, so they are cached for good.
const (
	loaderCacheControl = "public, max-age=300"
	bundleCacheControl = "public, max-age=31536000, immutable"
)

//go:embed dist
var dist stdembed.FS

// Manifest is the content of dist/manifest.json.
type Manifest struct {
	Loader  string            `json:"loader"`
	Widgets map[string]string `json:"widgets"` // widget type -> bundle file name
}

// asset is one file, ready to serve.
type asset struct {
	body     []byte
	gz       []byte // gzip of body (BestCompression)
	useGzip  bool   // gz is smaller than body: offer it
	etag     string // strong, of the identity body
	gzipETag string // strong, of the gzip body (a different representation)
	ctype    string
}

// Assets are the loader and the widget bundles, held in memory. They are
// immutable once built and safe for concurrent use.
type Assets struct {
	loader  *asset
	bundles map[string]*asset // by file name
	byType  map[string]string // widget type -> file name
}

// New reads manifest.json and every file it names from fsys, whose root is
// the dist directory.
func New(fsys fs.FS) (*Assets, error) {
	raw, err := fs.ReadFile(fsys, ManifestName)
	if err != nil {
		return nil, fmt.Errorf("embed: read manifest: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("embed: parse %s: %w", ManifestName, err)
	}
	if !validName(m.Loader) {
		return nil, fmt.Errorf("embed: %s: bad loader name %q", ManifestName, m.Loader)
	}
	a := &Assets{bundles: make(map[string]*asset, len(m.Widgets)), byType: make(map[string]string, len(m.Widgets))}
	if a.loader, err = load(fsys, m.Loader); err != nil {
		return nil, err
	}
	for _, typ := range slices.Sorted(maps.Keys(m.Widgets)) {
		name := m.Widgets[typ]
		if typ == "" || !validName(name) || name == m.Loader || name == ManifestName {
			return nil, fmt.Errorf("embed: %s: bad bundle %q for widget type %q", ManifestName, name, typ)
		}
		if _, dup := a.bundles[name]; !dup {
			if a.bundles[name], err = load(fsys, name); err != nil {
				return nil, err
			}
		}
		a.byType[typ] = name
	}
	return a, nil
}

var defaultAssets = sync.OnceValue(func() *Assets {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err)
	}
	a, err := New(sub)
	if err != nil {
		panic(fmt.Sprintf("embed: the compiled-in dist is broken, run `npm run build --prefix embed`: %v", err))
	}
	return a
})

// Default returns the assets compiled into the binary (embed/dist). It
// panics when they are inconsistent: that is a broken build, not a runtime
// condition.
func Default() *Assets { return defaultAssets() }

// Loader serves GET /embed.js.
func (a *Assets) Loader(c *fiber.Ctx) error {
	return serve(c, a.loader, loaderCacheControl)
}

// Bundle serves GET /embed/:file for the bundles named in the manifest.
func (a *Assets) Bundle(c *fiber.Ctx) error {
	f, ok := a.bundles[c.Params("file")]
	if !ok {
		return c.Status(fiber.StatusNotFound).JSON(fiber.Map{
			"error": fiber.Map{"code": "not_found", "message": "no such bundle"},
		})
	}
	return serve(c, f, bundleCacheControl)
}

// BundleURL returns the path of a widget type's bundle, e.g.
// "/embed/countdown.1a2b3c4d.js", and false when the type has none.
func (a *Assets) BundleURL(widgetType string) (string, bool) {
	name, ok := a.byType[widgetType]
	if !ok {
		return "", false
	}
	return "/embed/" + name, true
}

// LoaderGzipSize is the size of the gzipped loader in bytes: what a visitor
// downloads for embed.js.
func (a *Assets) LoaderGzipSize() int { return len(a.loader.gz) }

func serve(c *fiber.Ctx, f *asset, cacheControl string) error {
	useGzip := f.useGzip && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding))
	etag := f.etag
	if useGzip {
		etag = f.gzipETag
	}
	c.Set(fiber.HeaderCacheControl, cacheControl)
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCrossOriginResourcePolicy, "cross-origin")
	if f.useGzip {
		c.Set(fiber.HeaderVary, fiber.HeaderAcceptEncoding)
	}
	// Either ETag of the file validates a cached copy: both codings carry
	// the same content.
	if noneMatch := c.Get(fiber.HeaderIfNoneMatch); noneMatch != "" && etagMatches(noneMatch, f.etag, f.gzipETag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, f.ctype)
	if useGzip {
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(f.gz)
	}
	return c.Send(f.body)
}

func load(fsys fs.FS, name string) (*asset, error) {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("embed: read %s: %w", name, err)
	}
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(body); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:16])
	return &asset{
		body:     body,
		gz:       buf.Bytes(),
		useGzip:  buf.Len() < len(body),
		etag:     `"` + tag + `"`,
		gzipETag: `"` + tag + `-gz"`,
		ctype:    contentType(name),
	}, nil
}

// validName accepts a plain file name in the root of the assets.
func validName(name string) bool {
	return name != "" && fs.ValidPath(name) && !strings.ContainsAny(name, `/\`)
}

func contentType(name string) string {
	switch ext := path.Ext(name); ext {
	case ".js", ".mjs":
		return fiber.MIMETextJavaScriptCharsetUTF8
	default:
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
		return fiber.MIMEOctetStream
	}
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip: listed
// (or covered by "*") with a non-zero quality.
func acceptsGzip(header string) bool {
	gzipQ, starQ := -1.0, -1.0
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
					q = f
				}
			}
		}
		switch strings.ToLower(strings.TrimSpace(coding)) {
		case "gzip", "x-gzip":
			gzipQ = q
		case "*":
			starQ = q
		}
	}
	if gzipQ >= 0 {
		return gzipQ > 0
	}
	return starQ > 0
}

// etagMatches applies If-None-Match's weak comparison against our tags.
func etagMatches(header string, tags ...string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" {
			return true
		}
		for _, tag := range tags {
			if t == tag {
				return true
			}
		}
	}
	return false
}
