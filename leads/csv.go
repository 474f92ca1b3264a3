package leads

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// excelTime is how CSV times are written: a form Excel reads as a date and
// time in every locale, in the site's time zone (JSONL keeps RFC 3339 UTC).
const excelTime = "2006-01-02 15:04:05"

// utmColumns are the UTM tags, one column each.
var utmColumns = []string{"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}

// csvColumn is one column of the CSV export: its header and its cell.
type csvColumn struct {
	name string
	cell func(l store.Lead, loc *time.Location) string
}

var csvColumns = func() []csvColumn {
	cols := []csvColumn{
		{"id", func(l store.Lead, _ *time.Location) string { return l.ID }},
		{"created_at", func(l store.Lead, loc *time.Location) string { return l.CreatedAt.In(loc).Format(excelTime) }},
		{"type", func(l store.Lead, _ *time.Location) string { return l.Type }},
		{"status", func(l store.Lead, _ *time.Location) string { return l.Status }},
		{"partial", func(l store.Lead, _ *time.Location) string { return yesNo(l.Partial) }},
		{"name", func(l store.Lead, _ *time.Location) string { return l.Contact.Name }},
		{"phone", func(l store.Lead, _ *time.Location) string { return l.Contact.Phone }},
		{"email", func(l store.Lead, _ *time.Location) string { return l.Contact.Email }},
		{"messenger", func(l store.Lead, _ *time.Location) string { return l.Contact.Messenger }},
		{"result", func(l store.Lead, _ *time.Location) string {
			if l.Result == nil {
				return ""
			}
			return l.Result.Title
		}},
		{"values", func(l store.Lead, _ *time.Location) string { return valuesText(l.Result) }},
		{"summary", func(l store.Lead, _ *time.Location) string { return l.Summary }},
		{"answers", func(l store.Lead, _ *time.Location) string { return answersText(l.Answers) }},
		{"page_url", func(l store.Lead, _ *time.Location) string { return l.PageURL }},
		{"referrer", func(l store.Lead, _ *time.Location) string { return l.Referrer }},
	}
	for _, k := range utmColumns {
		cols = append(cols, csvColumn{k, func(l store.Lead, _ *time.Location) string { return l.UTM[k] }})
	}
	return append(cols,
		csvColumn{"hidden", func(l store.Lead, _ *time.Location) string { return hiddenJSON(l.Hidden) }},
		csvColumn{"visitor_id", func(l store.Lead, _ *time.Location) string { return l.VisitorID }},
		csvColumn{"consent_version", func(l store.Lead, _ *time.Location) string {
			if l.Consent == nil {
				return ""
			}
			return l.Consent.Version
		}},
		csvColumn{"consent_at", func(l store.Lead, loc *time.Location) string {
			if l.Consent == nil || l.Consent.At.IsZero() {
				return ""
			}
			return l.Consent.At.In(loc).Format(excelTime)
		}},
		csvColumn{"consent_ip", func(l store.Lead, _ *time.Location) string {
			if l.Consent == nil {
				return ""
			}
			return l.Consent.IP
		}},
		csvColumn{"note", func(l store.Lead, _ *time.Location) string { return l.Note }},
	)
}()

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// valuesText is the result's formula values as "name=value" pairs, by name.
func valuesText(r *store.LeadResult) string {
	if r == nil || len(r.Values) == 0 {
		return ""
	}
	parts := make([]string, 0, len(r.Values))
	for _, k := range slices.Sorted(maps.Keys(r.Values)) {
		parts = append(parts, k+"="+strconv.FormatFloat(r.Values[k], 'f', -1, 64))
	}
	return strings.Join(parts, "; ")
}

// answersText is one "question: answer" line per answer, in the order given.
func answersText(as []store.LeadAnswer) string {
	lines := make([]string, 0, len(as))
	for _, a := range as {
		title := a.Title
		if title == "" {
			title = a.Step
		}
		lines = append(lines, title+": "+a.Text)
	}
	return strings.Join(lines, "\n")
}

func hiddenJSON(h map[string]string) string {
	if len(h) == 0 {
		return ""
	}
	b, _ := json.Marshal(h) // a map of strings always marshals
	return string(b)
}

// neutralize keeps a spreadsheet from running a cell as a formula: a cell
// that starts with =, +, -, @, a tab or a carriage return (visitors' text
// can, and so does every phone number) gets a leading apostrophe, which
// makes it text (OWASP's advice on CSV injection).
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// separators the CSV export accepts in ?sep=.
var separators = map[string]rune{",": ',', ";": ';'}

// exportCSV is GET /api/v1/sites/{id}/leads.csv?sep=;&type=&status=: the
// inbox newest first as CSV that Excel opens as is: UTF-8 with a byte
// order mark (Cyrillic reads right), CRLF line ends, quoted cells where
// needed, times in the site's time zone. sep=; suits Excel in locales
// whose decimal mark is a comma (ru, uk).
func (ib *Inbox) exportCSV(c *fiber.Ctx) error {
	sep := ','
	if v := c.Query("sep"); v != "" {
		r, ok := separators[v]
		if !ok {
			return validate.Field("sep", `must be "," or ";"`)
		}
		sep = r
	}
	return ib.export(c, "text/csv", "csv", func(w *bufio.Writer, site store.Site) rowWriter {
		cw := csv.NewWriter(w)
		cw.Comma, cw.UseCRLF = sep, true
		return &csvWriter{out: w, w: cw, loc: siteLocation(site)}
	})
}

func siteLocation(site store.Site) *time.Location {
	loc, err := time.LoadLocation(site.Timezone)
	if err != nil {
		return time.UTC // a site's zone is checked on save; UTC is a safe fallback
	}
	return loc
}

type csvWriter struct {
	out  *bufio.Writer
	w    *csv.Writer
	loc  *time.Location
	cell []string
}

func (c *csvWriter) head() error {
	if _, err := c.out.WriteString("\uFEFF"); err != nil {
		return err
	}
	names := make([]string, len(csvColumns))
	for i, col := range csvColumns {
		names[i] = col.name
	}
	return c.w.Write(names)
}

func (c *csvWriter) row(l store.Lead) error {
	c.cell = c.cell[:0]
	for _, col := range csvColumns {
		c.cell = append(c.cell, neutralize(col.cell(l, c.loc)))
	}
	return c.w.Write(c.cell)
}

func (c *csvWriter) flush() error {
	c.w.Flush()
	return c.w.Error()
}
