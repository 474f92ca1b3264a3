package dashboard

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/validate"
)

// siteLocales are the languages a site's widgets may speak.
var siteLocales = []string{"ru", "uk", "en"}

// siteFormOf reads the site form: origins one per line, blank lines
// ignored.
func siteFormOf(c *fiber.Ctx) SiteForm {
	var origins []string
	for _, line := range strings.Split(c.FormValue("origins"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			origins = append(origins, line)
		}
	}
	return SiteForm{
		Name:                  c.FormValue("name"),
		Origins:               origins,
		Timezone:              c.FormValue("timezone"),
		Locale:                c.FormValue("locale"),
		Region:                strings.TrimSpace(c.FormValue("region")),
		FollowBrowserLanguage: c.FormValue("follow_browser_language") == "on",
	}
}

// formOfSite is what the form shows for a stored site.
func formOfSite(s store.Site) SiteForm {
	return SiteForm{Name: s.Name, Origins: s.Origins, Timezone: s.Timezone, Locale: s.Locale,
		Region: s.Region, FollowBrowserLanguage: s.FollowBrowserLanguage}
}

// newSiteForm is a new site's form, filled in for where the person
// creating it most likely sells, as the dashboard's language suggests;
// in English, the admin API's defaults.
func newSiteForm(lang string) SiteForm {
	switch lang {
	case "ru":
		return SiteForm{Timezone: "Europe/Moscow", Locale: "ru", Region: "RU"}
	case "uk":
		return SiteForm{Timezone: "Europe/Kyiv", Locale: "uk", Region: "UA"}
	}
	return SiteForm{Timezone: "UTC", Locale: "en", Region: "US"}
}

// siteFormView is a site form as a template shows it.
type siteFormView struct {
	SiteForm
	// Errors are the fields' messages, by form field name.
	Errors  map[string]string
	Zones   []string
	Locales []string
}

// OriginsText is the origins as the textarea holds them.
func (v siteFormView) OriginsText() string { return strings.Join(v.Origins, "\n") }

func (h *handler) siteFormView(f SiteForm) siteFormView {
	zones := timeZones
	if f.Timezone != "" && !slices.Contains(zones, f.Timezone) {
		zones = append([]string{f.Timezone}, zones...)
	}
	return siteFormView{SiteForm: f, Zones: zones, Locales: siteLocales}
}

// fieldError turns the server's validation error into the form field it
// names and a message in the page's language. Other errors return ok false.
func fieldError(l Lang, f SiteForm, err error) (field, msg string, ok bool) {
	var ve *validate.Error
	if !errors.As(err, &ve) {
		return "", "", false
	}
	name, index, indexed := strings.Cut(strings.TrimSuffix(ve.Field, "]"), "[")
	switch name {
	case "origins":
		if i, err := strconv.Atoi(index); indexed && err == nil && i < len(f.Origins) {
			return "origins", l.F("site_err_origin", "value", f.Origins[i]), true
		}
		if len(f.Origins) == 0 {
			return "origins", l.T("site_err_origins_empty"), true
		}
		return "origins", l.T("site_err_origins_many"), true
	case "name", "timezone", "locale", "region":
		return name, l.T("site_err_" + name), true
	}
	return "", "", false
}
