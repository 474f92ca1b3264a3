package callback

import (
	"fmt"
	"net/url"
	"strings"
)

// What managers hear, per language. Visitors never hear Beckon: they pick up
// to a bridged manager.
var texts = map[string]struct {
	whisper        string // site, page, name part
	named          string // ", name %s"
	pressDigit     string
	connecting     string
	taken          string
	visitorRetry   string
	visitorGivenUp string
	cancelled      string
}{
	"ru": {
		whisper:        "Заявка на обратный звонок с сайта %s, страница «%s»",
		named:          ", имя %s",
		pressDigit:     ". Нажмите %s, чтобы соединиться с клиентом.",
		connecting:     "Соединяем с клиентом.",
		taken:          "Заявку уже принял другой менеджер. Спасибо.",
		visitorRetry:   "Клиент не ответил. Перезвоним ему через %d секунд и снова наберём вас.",
		visitorGivenUp: "Клиент не ответил. Заявка закрыта.",
		cancelled:      "Заявка отменена.",
	},
	"uk": {
		whisper:        "Заявка на зворотний дзвінок із сайту %s, сторінка «%s»",
		named:          ", ім'я %s",
		pressDigit:     ". Натисніть %s, щоб з'єднатися з клієнтом.",
		connecting:     "З'єднуємо з клієнтом.",
		taken:          "Заявку вже прийняв інший менеджер. Дякуємо.",
		visitorRetry:   "Клієнт не відповів. Передзвонимо йому за %d секунд і знову наберемо вас.",
		visitorGivenUp: "Клієнт не відповів. Заявку закрито.",
		cancelled:      "Заявку скасовано.",
	},
	"en": {
		whisper:        "Callback request from %s, page '%s'",
		named:          ", name %s",
		pressDigit:     ". Press %s to connect.",
		connecting:     "Connecting you to the client.",
		taken:          "Another manager has taken this request. Thank you.",
		visitorRetry:   "The client did not answer. We will try again in %d seconds and ring you first.",
		visitorGivenUp: "The client did not answer. The request is closed.",
		cancelled:      "The request was cancelled.",
	},
}

func textsFor(lang string) string {
	if _, ok := texts[lang]; ok {
		return lang
	}
	return "en"
}

// whisper is what a manager hears on picking up: where the request came
// from and who asked, then which digit connects.
func whisper(lang, siteName, pageTitle, pageURL, name, digit string) string {
	t := texts[textsFor(lang)]
	page := pageTitle
	if page == "" {
		page = pagePath(pageURL)
	}
	s := fmt.Sprintf(t.whisper, siteName, page)
	if name != "" {
		s += fmt.Sprintf(t.named, name)
	}
	return s + fmt.Sprintf(t.pressDigit, digit)
}

// pagePath is a page's path as something a person can say, "/" for none.
func pagePath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}
