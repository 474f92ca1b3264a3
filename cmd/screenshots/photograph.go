package main

import (
	"context"
	"fmt"
	"regexp"

	"github.com/chromedp/chromedp"
)

// photographer walks the pages list in the order a person meets them.
type photographer struct {
	b       *browser
	in      *instance
	v       values
	skipped int
}

var placeholder = regexp.MustCompile(`\{([a-z_]+)\}`)

// fill puts the seed's values into path; false when one has none.
func (p *photographer) fill(path string) (string, bool) {
	ok := true
	out := placeholder.ReplaceAllStringFunc(path, func(m string) string {
		v, found := p.v[m[1:len(m)-1]]
		ok = ok && found
		return v
	})
	return out, ok
}

func (p *photographer) skip(pg page, why string) {
	p.skipped++
	fmt.Printf("  skipped dashboard-%s: %s\n", pg.name, why)
}

// pages photographs the listed pages of state when.
func (p *photographer) pages(when state) error {
	for _, pg := range pages {
		if pg.when != when {
			continue
		}
		path, ok := p.fill(pg.path)
		if !ok {
			p.skip(pg, "the seed has no value for "+pg.path)
			continue
		}
		for _, vp := range viewports {
			status, err := p.b.open(path, vp, pg.ready)
			if err != nil {
				return err
			}
			if status != 200 {
				p.skip(pg, fmt.Sprintf("GET %s is %d (not built yet?)", path, status))
				break
			}
			name := "dashboard-" + pg.name + "-" + vp.name
			if pg.tall {
				err = p.b.shootTall(name, vp)
			} else {
				err = p.b.shoot(name)
			}
			if err != nil {
				return err
			}
		}
		for _, complaint := range p.b.problems() {
			fmt.Printf("  console of dashboard-%s: %s\n", pg.name, complaint)
		}
	}
	return nil
}

// dashboard sets up, signs in and out and photographs every page.
func (p *photographer) dashboard(ctx context.Context) error {
	fmt.Println("dashboard pages:")
	desktop := viewports[0]
	if err := p.pages(beforeSetup); err != nil {
		return err
	}
	if _, err := p.b.open("/app/setup?lang=ru", desktop, "#token"); err != nil {
		return err
	}
	err := p.b.do("set up", chromedp.SendKeys(chromedp.CSS(`#token`), adminToken), chromedp.SendKeys(chromedp.CSS(`#email`), operatorEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), password+"\r"), chromedp.WaitVisible(chromedp.CSS(`ul.sites`)))
	if err != nil {
		return err
	}
	if err := seedPeople(ctx, p.in.st, p.v); err != nil {
		return err
	}
	if err := p.pages(signedIn); err != nil {
		return err
	}
	if _, err := p.b.open("/app/logout", desktop, `form[action="/app/logout"] button`); err != nil {
		return err
	}
	if err := p.b.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/app/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#email`))); err != nil {
		return err
	}
	if err := p.pages(signedOut); err != nil {
		return err
	}
	if _, err := p.b.open("/app/login", desktop, "#email"); err != nil {
		return err
	}
	err = p.b.do("sign in with a second step", chromedp.SendKeys(chromedp.CSS(`#email`), ownerEmail),
		chromedp.SendKeys(chromedp.CSS(`#password`), password+"\r"), chromedp.WaitVisible(chromedp.CSS(`#code`)))
	if err != nil {
		return err
	}
	return p.pages(secondStep)
}
