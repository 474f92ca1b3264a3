package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"
)

// shopPage is the site's own page, served from an origin of its own, with
// the snippet: what a visitor of the site sees.
const shopPage = `<!doctype html><html lang="ru"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Ремонт квартир «Уют»</title><link rel="icon" href="data:,">
<style>body{margin:0;font:17px/1.6 system-ui,sans-serif;color:#1f2937;background:#f8fafc}
header{background:#0f766e;color:#fff;padding:18px 24px;font-weight:600;font-size:20px}
main{max-width:760px;margin:0 auto;padding:32px 24px}h1{font-size:32px;line-height:1.2;margin:0 0 16px}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:16px;margin-top:24px}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:12px;padding:16px}</style>
<script async src="%s/embed.js" data-site="%s"></script></head>
<body><header>Уют · ремонт квартир в Москве</header><main>
<h1>Ремонт квартир под ключ с фиксированной сметой</h1>
<p>Собственные бригады, гарантия 3 года, поэтапная оплата. Бесплатный замер и смета за один день.</p>
<div class="grid"><div class="card"><strong>Косметический</strong><br>от 4 500 ₽/м²</div>
<div class="card"><strong>Капитальный</strong><br>от 8 500 ₽/м²</div><div class="card"><strong>Дизайнерский</strong><br>от 14 000 ₽/м²</div></div>
</main></body></html>`

// opened are the types whose widget the picture shows opened (the page
// API's beckon('open', id)); the others show as they first appear.
var opened = map[string]bool{"callback": true, "quiz": true, "popup": true, "proactive": true, "game": true, "multibutton": true}

// alongside are the widgets a type's picture shows with it: the
// multi-button gathers the callback and the quiz behind its button.
var alongside = map[string][]string{"multibutton": {"callback", "quiz"}}

// widgets photographs each widget alone on the shop's page (with those
// alongside it): the others are turned off meanwhile.
func (p *photographer) widgets(ctx context.Context) error {
	fmt.Println("widgets:")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	origin := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, shopPage, p.in.base, siteKey)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	if err := adminCall(ctx, p.in.base, "PATCH", "/api/v1/sites/"+siteID, "", map[string]any{"origins": []string{origin}}, nil); err != nil {
		return fmt.Errorf("the shop page's origin: %w", err)
	}
	// A visitor would see one variant or the other at random.
	if err := adminCall(ctx, p.in.base, "DELETE", "/api/v1/sites/"+siteID+"/widgets/"+widgetID("popup")+"/experiment", "", nil, nil); err != nil {
		return fmt.Errorf("end the experiment: %w", err)
	}
	types := p.in.types()
	for _, typ := range types {
		for _, other := range types {
			on := map[string]any{"enabled": other == typ || slices.Contains(alongside[typ], other)}
			if err := adminCall(ctx, p.in.base, "PATCH", "/api/v1/sites/"+siteID+"/widgets/"+widgetID(other), "", on, nil); err != nil {
				return fmt.Errorf("turn %s on or off: %w", other, err)
			}
		}
		for _, vp := range viewports {
			if err := p.widget(origin, typ, vp); err != nil {
				return err
			}
		}
	}
	return nil
}

// widget opens the shop's page on vp, waits for typ's widget to draw,
// opens it when it opens, and photographs it.
func (p *photographer) widget(origin, typ string, vp viewport) error {
	p.b.base = origin
	defer func() { p.b.base = p.in.base }()
	if _, err := p.b.open("/?"+typ, vp, "main"); err != nil {
		return err
	}
	drawn := `document.querySelector('beckon-root')?.shadowRoot?.querySelectorAll('*').length > 4`
	deadline := time.Now().Add(10 * time.Second)
	for {
		v, err := p.b.eval(drawn)
		if err != nil {
			return err
		}
		if v == true {
			break
		}
		if time.Now().After(deadline) {
			fmt.Printf("  %s: nothing drawn in 10 s on the %s\n", typ, vp.name)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if opened[typ] {
		if _, err := p.b.eval(fmt.Sprintf(`beckon('open', %q)`, widgetID(typ))); err != nil {
			return err
		}
	}
	err := p.b.shoot("widget-" + typ + "-" + vp.name)
	for _, complaint := range p.b.problems() {
		fmt.Printf("  console of widget-%s on the %s: %s\n", typ, vp.name, complaint)
	}
	return err
}
