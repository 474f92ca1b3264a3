package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/beckonhq/beckon/store"
	"github.com/beckonhq/beckon/widgets"
)

// The seed is a renovation company's site in Russian (the quiz module's demo
// is a renovation calculator), with a widget of every type and a month of
// leads. Ids, keys, names and times of day are fixed, so pictures taken
// again differ only where the code changed; dates are counted back from
// the day of the run, so "the last 30 days" of analytics hold them.

const (
	siteID   = "site_uyutremont2026"
	siteKey  = "uyutremont2345ab"
	siteName = "Ремонт квартир «Уют»"
)

// widgetID is the fixed id of the site's widget of type typ.
func widgetID(typ string) string { return "wdg_uyut_" + typ }

// ownSettings are the settings of the types whose modules have no demo
// settings (widgets.Demo), written as an owner of this site would.
var ownSettings = map[string]string{
	"social_proof": `{"position":"bottom-left","delay_seconds":0,"interval_seconds":4,"max_age_hours":720}`,
	"popup": `{"title":"Скидка 10% на первый ремонт","text":"Оставьте телефон — пришлём промокод и пригласим на бесплатный замер.",
		"layout":"modal","color":"#0f766e","form":{"fields":[{"name":"name"},{"name":"phone","required":true}],
		"button":"Получить скидку","success":"Спасибо! Перезвоним в течение 15 минут."},
		"triggers":{"on":[{"type":"exit_intent"}]}}`,
	"multibutton": `{"color":"#0f766e","channels":[{"type":"callback","widget_id":"` + widgetID("callback") + `"},
		{"type":"quiz","widget_id":"` + widgetID("quiz") + `"},{"type":"telegram","value":"https://t.me/uyut_remont"},
		{"type":"phone","value":"+74951234567"}]}`,
	"proactive": `{"name":"Анна, прораб","text":"Здравствуйте! Подскажу, сколько стоит ремонт вашей квартиры, — напишите площадь и город.",
		"color":"#0f766e","ask_contact":"phone","triggers":{"on":[{"type":"time_on_page","seconds":20}]}}`,
}

// day is midnight UTC of the run's day; at is a fixed Moscow time of day
// daysAgo days before it.
type clock struct{ day time.Time }

func (c clock) at(daysAgo, hour, minute int) time.Time {
	return c.day.AddDate(0, 0, -daysAgo).Add(time.Duration(hour-3)*time.Hour + time.Duration(minute)*time.Minute)
}

// seedStore writes the site, its widgets, leads and callback requests
// straight into the store, before the server starts.
func seedStore(ctx context.Context, st store.Store, mods []widgets.Module, c clock) error {
	created := c.at(40, 10, 0)
	site := store.Site{ID: siteID, Key: siteKey, Name: siteName, Origins: []string{"https://uyut-remont.ru", "https://www.uyut-remont.ru"},
		Timezone: "Europe/Moscow", Locale: "ru", Region: "RU", CreatedAt: created, UpdatedAt: created}
	if err := st.CreateSite(ctx, site); err != nil {
		return fmt.Errorf("site: %w", err)
	}
	for i, m := range mods {
		raw := ownSettings[m.Type()]
		if demo, ok := m.(widgets.Demo); ok && raw == "" {
			raw = demo.DemoSettings()
		}
		if raw == "" {
			return fmt.Errorf("no settings for the %s widget: add them to ownSettings", m.Type())
		}
		settings, err := widgets.Normalize(m, json.RawMessage(raw), site)
		if err != nil {
			return fmt.Errorf("%s settings: %w", m.Type(), err)
		}
		at := created.Add(time.Duration(i) * time.Minute)
		w := store.Widget{ID: widgetID(m.Type()), SiteID: siteID, Type: m.Type(), Enabled: true, Settings: settings, CreatedAt: at, UpdatedAt: at}
		if err := st.CreateWidget(ctx, w); err != nil {
			return fmt.Errorf("%s widget: %w", m.Type(), err)
		}
	}
	for i, p := range people {
		if err := seedLead(ctx, st, c, i, p); err != nil {
			return err
		}
	}
	return seedPendingReviews(ctx, st, c)
}

// seedPendingReviews leaves three reviews waiting for moderation, as
// visitors of the site would (the published ones are imported through the
// API, see seedAPI).
func seedPendingReviews(ctx context.Context, st store.Store, c clock) error {
	for i, r := range []store.Review{
		{Rating: 5, Name: "Марина", Text: "Бригада пришла вовремя, ванную сделали за 10 дней. Плитку положили идеально ровно.", Verified: true, OrderID: "A-1042"},
		{Rating: 2, Name: "Олег", Text: "Смету пересчитали после замера, вышло на 15% дороже. Сам ремонт нормальный."},
		{Rating: 4, Name: "Ксения", Text: "Всё хорошо, но уборку после работ пришлось доделывать самим."},
	} {
		at := c.at(i+1, 19-2*i, 30)
		r.ID, r.SiteID, r.WidgetID, r.Status, r.Lang = fmt.Sprintf("rev_uyut_%d", i), siteID, widgetID("reviews"), store.ReviewPending, "ru"
		r.VisitorID, r.CreatedAt, r.UpdatedAt = fmt.Sprintf("v_rev_%d", i), at, at
		if err := st.CreateReview(ctx, r, ""); err != nil {
			return fmt.Errorf("review of %s: %w", r.Name, err)
		}
	}
	return nil
}

// visitor is one seeded lead: who, through what, when and how it went.
type visitor struct {
	name, phone, typ, source, status string
	daysAgo, hour, minute            int
	// callback: the request's end ("completed", or a failure's reason).
	callback string
	// quiz: rooms, area, level (index into levels), the price.
	rooms, area, level int
	price              float64
	// popup and proactive: what the visitor wrote.
	text string
}

var levels = []struct{ id, ru string }{{"cosmetic", "Косметический (обои, покраска, полы)"},
	{"major", "Капитальный (с заменой электрики и труб)"}, {"design", "Дизайнерский (по индивидуальному проекту)"}}

var people = []visitor{
	{name: "Ольга Смирнова", phone: "+79161234501", typ: "callback", source: "yandex", status: "new", daysAgo: 0, hour: 1, minute: 12, callback: "completed"},
	{name: "Дмитрий Ковалёв", phone: "+79161234502", typ: "quiz", source: "google", status: "new", daysAgo: 1, hour: 21, minute: 40, rooms: 2, area: 54, level: 1, price: 459000},
	{name: "Марина Волкова", phone: "+79161234503", typ: "popup", source: "direct", status: "new", daysAgo: 1, hour: 18, minute: 5, text: "Скидка 10% на первый ремонт"},
	{name: "Алексей Морозов", phone: "+79161234504", typ: "callback", source: "yandex", status: "in_progress", daysAgo: 1, hour: 14, minute: 31, callback: "completed"},
	{name: "Екатерина Лебедева", phone: "+79161234505", typ: "quiz", source: "yandex", status: "in_progress", daysAgo: 2, hour: 11, minute: 2, rooms: 3, area: 78, level: 2, price: 1201200},
	{name: "Сергей Новиков", phone: "+79161234506", typ: "callback", source: "vk", status: "lost", daysAgo: 2, hour: 9, minute: 47, callback: "visitor_no_answer"},
	{name: "Наталья Козлова", phone: "+79161234507", typ: "proactive", source: "google", status: "new", daysAgo: 3, hour: 16, minute: 20, text: "Сколько стоит ремонт ванной 4 м²?"},
	{name: "Игорь Соколов", phone: "+79161234508", typ: "quiz", source: "direct", status: "won", daysAgo: 3, hour: 12, minute: 15, rooms: 1, area: 36, level: 0, price: 162000},
	{name: "Анастасия Попова", phone: "+79161234509", typ: "callback", source: "google", status: "won", daysAgo: 4, hour: 19, minute: 55, callback: "completed"},
	{name: "Павел Васильев", phone: "+79161234510", typ: "quiz", source: "yandex", status: "new", daysAgo: 5, hour: 10, minute: 33, rooms: 4, area: 120, level: 2, price: 1908000},
	{name: "Татьяна Петрова", phone: "+79161234511", typ: "popup", source: "yandex", status: "in_progress", daysAgo: 5, hour: 15, minute: 8, text: "Скидка 10% на первый ремонт"},
	{name: "Михаил Фёдоров", phone: "+79161234512", typ: "callback", source: "direct", status: "in_progress", daysAgo: 6, hour: 13, minute: 44, callback: "completed"},
	{name: "Юлия Михайлова", phone: "+79161234513", typ: "quiz", source: "vk", status: "lost", daysAgo: 7, hour: 20, minute: 10, rooms: 2, area: 48, level: 0, price: 216000},
	{name: "Андрей Егоров", phone: "+79161234514", typ: "callback", source: "yandex", status: "won", daysAgo: 8, hour: 11, minute: 27, callback: "completed"},
	{name: "Ирина Никитина", phone: "+79161234515", typ: "quiz", source: "google", status: "won", daysAgo: 9, hour: 17, minute: 52, rooms: 3, area: 65, level: 1, price: 667250},
	{name: "Владимир Орлов", phone: "+79161234516", typ: "callback", source: "direct", status: "lost", daysAgo: 10, hour: 22, minute: 3, callback: "manager_no_answer"},
	{name: "Светлана Андреева", phone: "+79161234517", typ: "proactive", source: "yandex", status: "in_progress", daysAgo: 11, hour: 12, minute: 40, text: "Делаете ремонт в новостройках? Квартира 2 комнаты."},
	{name: "Николай Захаров", phone: "+79161234518", typ: "quiz", source: "yandex", status: "new", daysAgo: 12, hour: 9, minute: 18, rooms: 1, area: 30, level: 1, price: 255000},
	{name: "Елена Зайцева", phone: "+79161234519", typ: "callback", source: "google", status: "won", daysAgo: 13, hour: 16, minute: 6, callback: "completed"},
	{name: "Роман Павлов", phone: "+79161234520", typ: "popup", source: "vk", status: "lost", daysAgo: 14, hour: 19, minute: 30, text: "Скидка 10% на первый ремонт"},
	{name: "Ксения Семёнова", phone: "+79161234521", typ: "quiz", source: "direct", status: "won", daysAgo: 15, hour: 14, minute: 12, rooms: 2, area: 60, level: 2, price: 840000},
	{name: "Артём Голубев", phone: "+79161234522", typ: "callback", source: "yandex", status: "won", daysAgo: 16, hour: 10, minute: 51, callback: "completed"},
	{name: "Вера Виноградова", phone: "+79161234523", typ: "quiz", source: "google", status: "lost", daysAgo: 18, hour: 18, minute: 37, rooms: 3, area: 85, level: 0, price: 420750},
	{name: "Григорий Богданов", phone: "+79161234524", typ: "callback", source: "direct", status: "won", daysAgo: 19, hour: 12, minute: 24, callback: "completed"},
	{name: "Людмила Воробьёва", phone: "+79161234525", typ: "proactive", source: "direct", status: "won", daysAgo: 21, hour: 15, minute: 45, text: "Нужен ремонт кухни под ключ, 9 м²."},
	{name: "Константин Фролов", phone: "+79161234526", typ: "quiz", source: "yandex", status: "won", daysAgo: 22, hour: 11, minute: 9, rooms: 2, area: 52, level: 1, price: 442000},
	{name: "Дарья Медведева", phone: "+79161234527", typ: "callback", source: "google", status: "lost", daysAgo: 24, hour: 20, minute: 58, callback: "visitor_busy"},
	{name: "Станислав Белов", phone: "+79161234528", typ: "popup", source: "direct", status: "won", daysAgo: 25, hour: 13, minute: 3, text: "Скидка 10% на первый ремонт"},
	{name: "Оксана Киселева", phone: "+79161234529", typ: "quiz", source: "vk", status: "new", daysAgo: 27, hour: 16, minute: 16, rooms: 1, area: 42, level: 2, price: 588000},
	{name: "Евгений Тарасов", phone: "+79161234530", typ: "callback", source: "yandex", status: "won", daysAgo: 28, hour: 10, minute: 0, callback: "completed"},
}

// Lead ids the pages' paths name.
const (
	leadCallback = "cb_cbk_uyut000"
	leadQuiz     = "lead_uyut001"
)

func seedLead(ctx context.Context, st store.Store, c clock, i int, p visitor) error {
	at := c.at(p.daysAgo, p.hour, p.minute)
	l := store.Lead{ID: fmt.Sprintf("lead_uyut%03d", i), SiteID: siteID, WidgetID: widgetID(p.typ), Type: p.typ, Status: p.status,
		VisitorID: fmt.Sprintf("v_uyut%03d", i), Contact: store.LeadContact{Name: p.name, Phone: p.phone}, Lang: "ru",
		PageURL: "https://uyut-remont.ru/", Source: p.source, CreatedAt: at, UpdatedAt: at}
	if p.source != "direct" {
		l.UTM = map[string]string{"utm_source": p.source, "utm_medium": "cpc", "utm_campaign": "remont-msk"}
	}
	switch p.typ {
	case "callback":
		cb := callbackOf(fmt.Sprintf("cbk_uyut%03d", i), p, at)
		if _, _, err := st.CreateCallback(ctx, cb, time.Time{}); err != nil {
			return fmt.Errorf("callback of %s: %w", p.name, err)
		}
		l.ID, l.CallbackID = "cb_"+cb.ID, cb.ID
	case "quiz":
		l.Answers = []store.LeadAnswer{
			{Step: "rooms", Title: "Сколько комнат в квартире?", Value: json.RawMessage(fmt.Sprint(p.rooms)), Text: roomsText(p.rooms)},
			{Step: "area", Title: "Какая площадь квартиры?", Value: json.RawMessage(fmt.Sprint(p.area)), Text: fmt.Sprintf("%d м²", p.area)},
			{Step: "level", Title: "Какой ремонт нужен?", Value: json.RawMessage(`"` + levels[p.level].id + `"`), Text: levels[p.level].ru},
		}
		l.Result = &store.LeadResult{Screen: "standard", Title: "Ремонт под ключ", Values: map[string]float64{"price": p.price}}
		l.Summary = fmt.Sprintf("%s, %d м², %s — %s ₽", roomsText(p.rooms), p.area, levels[p.level].ru, rubles(p.price))
		l.QuizVersion = 1
	default:
		l.Summary = p.text
	}
	if _, _, err := st.CreateLead(ctx, l); err != nil {
		return fmt.Errorf("lead of %s: %w", p.name, err)
	}
	return nil
}

// callbackOf is a request that has already ended as p.callback says: the
// bridge leaves ended requests alone, so the pictures do not change.
func callbackOf(id string, p visitor, at time.Time) store.Callback {
	step := func(s int) time.Time { return at.Add(time.Duration(s) * time.Second) }
	cb := store.Callback{ID: id, SiteID: siteID, WidgetID: widgetID("callback"), Phone: p.phone, Name: p.name,
		VisitorID: "v_" + id, IP: "203.0.113.10", PageURL: "https://uyut-remont.ru/", PageTitle: "Ремонт квартир под ключ",
		Source: p.source, DueAt: at, FirstDueAt: at, Attempt: 1, CreatedAt: at}
	cb.Timeline = []store.Transition{{Status: "queued", At: at}, {Status: "calling_manager", At: step(1)}}
	switch p.callback {
	case "completed":
		cb.Manager = "Анна"
		cb.Timeline = append(cb.Timeline, store.Transition{Status: "manager_answered", At: step(9)},
			store.Transition{Status: "calling_visitor", At: step(12)}, store.Transition{Status: "connected", At: step(19)},
			store.Transition{Status: "completed", At: step(263), Detail: "4 мин 4 с"})
		cb.Status = "completed"
	case "manager_no_answer":
		cb.Timeline = append(cb.Timeline, store.Transition{Status: "failed", At: step(61), Detail: p.callback})
		cb.Status, cb.Reason = "failed", p.callback
	default:
		cb.Manager = "Иван"
		cb.Timeline = append(cb.Timeline, store.Transition{Status: "manager_answered", At: step(7)},
			store.Transition{Status: "calling_visitor", At: step(10)}, store.Transition{Status: "failed", At: step(45), Detail: p.callback})
		cb.Status, cb.Reason = "failed", p.callback
	}
	cb.EndedAt = cb.Timeline[len(cb.Timeline)-1].At
	cb.UpdatedAt = cb.EndedAt
	return cb
}

func roomsText(n int) string {
	return map[int]string{1: "Студия или 1 комната", 2: "2 комнаты", 3: "3 комнаты", 4: "4 и больше"}[n]
}

// rubles writes 1201200 as «1 201 200».
func rubles(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	out := ""
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out += "\u00a0"
		}
		out += string(r)
	}
	return out
}
