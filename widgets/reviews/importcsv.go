package reviews

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/api"
	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// maxImportRows bounds one import (the admin body limit, 1 MiB, bounds it too).
const maxImportRows = 5000

// importColumns are the CSV's columns; the header row names them in any
// order, about may be left out.
var importColumns = []string{"rating", "text", "name", "date", "about"}

// importCSV is POST /api/v1/sites/{id}/widgets/{wid}/reviews/import: a CSV
// of earlier reviews (rating,text,name,date[,about]) with a header row.
// Every row is checked before any is stored; an error names its row (the
// line of the file, the header being row 1) and column, and stores none.
// Imported reviews are published, marked imported, dated as in the file.
func (m *Module) importCSV(c *fiber.Ctx) error {
	site, err := api.AuthorizedSite(c, m.deps.Store, "leads:write")
	if err != nil {
		return err
	}
	w, s, err := m.ownWidget(c, site.ID, c.Params("wid"))
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(c.Get(fiber.HeaderContentType)); mt != "text/csv" {
		return &api.Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: "send the reviews as text/csv"}
	}
	now := m.deps.Now().UTC()
	rs, err := parseImport(c.Body(), w.ID, s.About, now)
	if err != nil {
		return err
	}
	err = m.deps.Store.ImportReviews(c.UserContext(), site.ID, rs)
	if errors.Is(err, store.ErrConflict) {
		return &api.Error{Status: http.StatusConflict, Code: "conflict", Message: "some of these reviews were imported already; nothing was stored"}
	}
	if err != nil {
		return fmt.Errorf("reviews: import %d reviews: %w", len(rs), err)
	}
	m.changed(c.UserContext(), site.ID)
	reviewsStored.WithLabelValues("import").Add(float64(len(rs)))
	m.deps.Log.Info("reviews imported", "site", site.ID, "widget", w.ID, "count", len(rs))
	return c.Status(http.StatusCreated).JSON(fiber.Map{"imported": len(rs)})
}

func rowField(row int, col string) string { return fmt.Sprintf("rows[%d].%s", row, col) }

// parseImport reads and checks the whole file.
func parseImport(body []byte, widgetID, widgetAbout string, now time.Time) ([]store.Review, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")) // a spreadsheet's byte order mark
	rd := csv.NewReader(bytes.NewReader(body))
	rd.FieldsPerRecord = -1
	header, err := rd.Read()
	if err != nil {
		return nil, validate.Field("rows[1]", "must be the header row: rating,text,name,date[,about]")
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if !slices.Contains(importColumns, h) {
			return nil, validate.Field(rowField(1, h), "is not a column of a review import: rating, text, name, date, about")
		}
		if _, dup := col[h]; dup {
			return nil, validate.Field(rowField(1, h), "is named twice")
		}
		col[h] = i
	}
	for _, need := range importColumns[:4] {
		if _, ok := col[need]; !ok {
			return nil, validate.Field(rowField(1, need), "is missing: the header row names rating, text, name and date")
		}
	}
	var (
		rs   []store.Review
		seen = map[string]int{}
	)
	for row := 2; ; row++ {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvRefusal(fmt.Sprintf("rows[%d]", row), err)
		}
		if len(rs) == maxImportRows {
			return nil, validate.Field(fmt.Sprintf("rows[%d]", row), "is past the %d reviews one import takes", maxImportRows)
		}
		cell := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		r, err := importRow(row, cell, widgetID, widgetAbout, now)
		if err != nil {
			return nil, err
		}
		if first, dup := seen[r.ID]; dup {
			return nil, validate.Field(fmt.Sprintf("rows[%d]", row), "repeats row %d", first)
		}
		seen[r.ID] = row
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, validate.Field("rows[2]", "is missing: the file has no review under its header")
	}
	return rs, nil
}

// csvRefusal says what the CSV reader found wrong in words of our own:
// its text ("bare \" in non-quoted-field") is English only.
func csvRefusal(field string, err error) error {
	var pe *csv.ParseError
	switch {
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrBareQuote):
		return validate.Field(field, `is not valid CSV: line %d has a " in a field that is not in quotes; put the field in quotes and double each " in it`, pe.Line)
	case errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrQuote):
		// An unclosed quote is found at the end of the file: the line
		// the row starts on is the one to look at.
		return validate.Field(field, `is not valid CSV: a field in quotes from line %d needs its closing " right before a comma or a line break; double each " inside it`, pe.StartLine)
	}
	return validate.Field(field, "is not valid CSV")
}

func importRow(row int, cell func(string) string, widgetID, widgetAbout string, now time.Time) (store.Review, error) {
	rating, err := strconv.Atoi(cell("rating"))
	if err != nil || rating < 1 || rating > 5 {
		return store.Review{}, validate.Field(rowField(row, "rating"), "must be a whole number from 1 to 5")
	}
	text, name, about := cell("text"), cell("name"), cell("about")
	if err := validate.Text(rowField(row, "text"), text, true, maxText); err != nil {
		return store.Review{}, err
	}
	if err := validate.Line(rowField(row, "name"), name, true, maxName); err != nil {
		return store.Review{}, err
	}
	if err := validate.Line(rowField(row, "about"), about, false, maxAbout); err != nil {
		return store.Review{}, err
	}
	if widgetAbout != "" {
		if about != "" && about != widgetAbout {
			return store.Review{}, validate.Field(rowField(row, "about"), "must be %q or empty: this widget shows reviews of that only", widgetAbout)
		}
		about = widgetAbout
	}
	date, err := parseDate(cell("date"))
	if err != nil || date.After(now) {
		return store.Review{}, validate.Field(rowField(row, "date"), "must be a past date: 2024-05-31 or 2024-05-31T18:04:05Z")
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{widgetID, strconv.Itoa(rating), text, name, date.Format(time.RFC3339Nano), about}, "\x00")))
	return store.Review{ID: "rv_i" + hex.EncodeToString(sum[:12]), WidgetID: widgetID, About: about, Rating: rating, Text: text, Name: name,
		Status: store.ReviewPublished, Imported: true, CreatedAt: date, UpdatedAt: now, PublishedAt: &now}, nil
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Parse(time.DateOnly, s)
}
