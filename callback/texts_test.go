package callback

import (
	"strings"
	"testing"
	"time"
)

func TestAfterVisitorSayRetryPlurals(t *testing.T) {
	want := map[string]map[int]string{
		"ru": {
			21:   "Клиент не ответил. Попробуем ещё раз через 21 секунду: сначала позвоним менеджеру, потом клиенту.",
			22:   "Клиент не ответил. Попробуем ещё раз через 22 секунды: сначала позвоним менеджеру, потом клиенту.",
			60:   "Клиент не ответил. Попробуем ещё раз через минуту: сначала позвоним менеджеру, потом клиенту.",
			90:   "Клиент не ответил. Попробуем ещё раз через 90 секунд: сначала позвоним менеджеру, потом клиенту.",
			3600: "Клиент не ответил. Попробуем ещё раз через час: сначала позвоним менеджеру, потом клиенту.",
		},
		"uk": {
			21:   "Клієнт не відповів. Спробуємо ще раз за 21 секунду: спершу зателефонуємо менеджерові, потім клієнтові.",
			22:   "Клієнт не відповів. Спробуємо ще раз за 22 секунди: спершу зателефонуємо менеджерові, потім клієнтові.",
			60:   "Клієнт не відповів. Спробуємо ще раз за хвилину: спершу зателефонуємо менеджерові, потім клієнтові.",
			90:   "Клієнт не відповів. Спробуємо ще раз за 90 секунд: спершу зателефонуємо менеджерові, потім клієнтові.",
			3600: "Клієнт не відповів. Спробуємо ще раз за годину: спершу зателефонуємо менеджерові, потім клієнтові.",
		},
		"en": {
			21:   "The client did not answer. We'll try again in 21 seconds, ringing a manager first and then the client.",
			22:   "The client did not answer. We'll try again in 22 seconds, ringing a manager first and then the client.",
			60:   "The client did not answer. We'll try again in a minute, ringing a manager first and then the client.",
			90:   "The client did not answer. We'll try again in 90 seconds, ringing a manager first and then the client.",
			3600: "The client did not answer. We'll try again in an hour, ringing a manager first and then the client.",
		},
	}
	for lang, bySecs := range want {
		for secs, text := range bySecs {
			if got := afterVisitorSay(lang, OutcomeNoAnswer, true, time.Duration(secs)*time.Second); got != text {
				t.Errorf("%s %ds:\n got %q\nwant %q", lang, secs, got, text)
			}
		}
	}
}

func TestAfterVisitorSayOutcomes(t *testing.T) {
	for _, lang := range []string{"ru", "uk", "en"} {
		seen := map[string]Outcome{}
		for _, out := range []Outcome{OutcomeNoAnswer, OutcomeBusy, OutcomeMachine, OutcomeFailed} {
			retry := afterVisitorSay(lang, out, true, time.Minute)
			closed := afterVisitorSay(lang, out, false, time.Minute)
			reason := strings.TrimSuffix(closed, " "+texts[lang].GivenUp)
			if reason == closed || reason == "" {
				t.Errorf("%s %s: %q does not end with the closing words", lang, out, closed)
			}
			if prev, dup := seen[reason]; dup {
				t.Errorf("%s: %s and %s say the same: %q", lang, prev, out, reason)
			}
			seen[reason] = out
			if !strings.HasPrefix(retry, reason+" ") || retry == closed {
				t.Errorf("%s %s retry %q, closed %q", lang, out, retry, closed)
			}
		}
		for _, out := range []Outcome{OutcomeCompleted, OutcomeCanceled} {
			if got := afterVisitorSay(lang, out, false, 0); got != "" {
				t.Errorf("%s %s: a finished call needs no words, got %q", lang, out, got)
			}
		}
	}
	if got := afterVisitorSay("ru", OutcomeMachine, false, 0); got != "У клиента ответил автоответчик. Больше попыток не будет, заявка закрыта." {
		t.Errorf("ru machine, closed: %q", got)
	}
	if got := afterVisitorSay("de", OutcomeBusy, true, 2*time.Minute); got != "The client's line is busy. We'll try again in 2 minutes, ringing a manager first and then the client." {
		t.Errorf("other languages speak en: %q", got)
	}
}

func TestWhisperPage(t *testing.T) {
	for _, c := range []struct {
		lang, title, url, name, want string
	}{
		{"ru", "Купить диван в Москве недорого | Мебель-Маркет — интернет-магазин", "https://shop.example/sofas/", "Иван",
			"Заявка на обратный звонок с сайта Shop. Страница: Купить диван в Москве недорого. Клиента зовут Иван. Нажмите 1, чтобы соединиться с клиентом."},
		{"ru", "Диван «Верона» — купить", "https://shop.example/p/1", "",
			"Заявка на обратный звонок с сайта Shop. Страница: Диван «Верона». Нажмите 1, чтобы соединиться с клиентом."},
		{"ru", "", "https://shop.example/catalog/sofas?utm=x", "",
			"Заявка на обратный звонок с сайта Shop. Нажмите 1, чтобы соединиться с клиентом."},
		{"ru", "", "https://shop.example/?utm=x", "",
			"Заявка на обратный звонок с сайта Shop. Страница: главная страница. Нажмите 1, чтобы соединиться с клиентом."},
		{"uk", "", "https://shop.example", "Олена",
			"Заявка на зворотний дзвінок із сайту Shop. Сторінка: головна сторінка. Клієнта звати Олена. Натисніть 1, щоб зʼєднатися з клієнтом."},
		{"en", "Sofas - Big Furniture Store", "https://shop.example/sofas", "",
			"Callback request from Shop. Page: Sofas. Press 1 to connect to the client."},
		{"en", "An extraordinarily long product title that keeps going well past sixty characters", "https://shop.example/x", "",
			"Callback request from Shop. Page: An extraordinarily long product title that keeps going well. Press 1 to connect to the client."},
		{"en", "Оченьдлинноеназваниебезпробеловкотороепродолжаетсяипродолжаетсядальше", "", "",
			"Callback request from Shop. Page: Оченьдлинноеназваниебезпробеловкотороепродолжаетсяипродолжае. Press 1 to connect to the client."},
	} {
		if got := whisper(c.lang, "Shop", c.title, c.url, c.name, "", "1", false); got != c.want {
			t.Errorf("whisper(%s, %q, %q):\n got %q\nwant %q", c.lang, c.title, c.url, got, c.want)
		}
	}
}

func TestWhisperSaysRecording(t *testing.T) {
	for lang, want := range map[string]string{
		"ru": "Заявка на обратный звонок с сайта Shop. Клиента зовут Иван. Разговор может записываться. Нажмите 1, чтобы соединиться с клиентом.",
		"uk": "Заявка на зворотний дзвінок із сайту Shop. Клієнта звати Іван. Розмова може записуватися. Натисніть 1, щоб зʼєднатися з клієнтом.",
		"en": "Callback request from Shop. The client's name is Иван. The call may be recorded. Press 1 to connect to the client.",
	} {
		name := "Иван"
		if lang == "uk" {
			name = "Іван"
		}
		if got := whisper(lang, "Shop", "", "", name, "", "1", true); got != want {
			t.Errorf("%s:\n got %q\nwant %q", lang, got, want)
		}
	}
}
