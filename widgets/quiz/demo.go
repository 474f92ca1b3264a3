package quiz

// DemoSettings implements widgets.Demo: a renovation calculator, the kind
// of quiz a Russian contractor's site runs. Six of the seven step types
// (the demo page allows images only from itself, and quiz images must be
// https URLs, so the image step is left to the owner's own quizzes), a
// price worked out on the server, three result screens by price, the
// contact form with the consent box, a call offered from the result, and
// the launcher in the bottom-left corner (the callback button has the
// right one).
func (m *Module) DemoSettings() string {
	return demoSettings
}

const demoSettings = `{
  "color": "#0f766e",
  "start": {
    "title": {"ru": "Рассчитайте стоимость ремонта за минуту", "uk": "Розрахуйте вартість ремонту за хвилину", "en": "Work out what your renovation costs in a minute"},
    "text": {"ru": "Ответьте на несколько вопросов — покажем предварительную смету.", "uk": "Дайте відповідь на кілька питань — покажемо попередній кошторис.", "en": "Answer a few questions and we'll show you an estimate."},
    "bonus": {"ru": "Дизайн-проект в подарок при заказе ремонта", "uk": "Дизайн-проєкт у подарунок до замовлення ремонту", "en": "A free design project when you order the renovation"},
    "button": {"ru": "Рассчитать", "uk": "Розрахувати", "en": "Work it out"}
  },
  "steps": [
    {"id": "rooms", "type": "single", "required": true,
     "title": {"ru": "Сколько комнат в квартире?", "uk": "Скільки кімнат у квартирі?", "en": "How many rooms does the flat have?"},
     "options": [
       {"id": "r1", "value": 1, "label": {"ru": "Студия или 1 комната", "uk": "Студія або 1 кімната", "en": "Studio or 1 room"}},
       {"id": "r2", "value": 2, "label": {"ru": "2 комнаты", "uk": "2 кімнати", "en": "2 rooms"}},
       {"id": "r3", "value": 3, "label": {"ru": "3 комнаты", "uk": "3 кімнати", "en": "3 rooms"}},
       {"id": "r4", "value": 4, "label": {"ru": "4 и больше", "uk": "4 і більше", "en": "4 or more"}}
     ]},
    {"id": "area", "type": "number", "required": true, "min": 15, "max": 200, "step": 1, "slider": true,
     "unit": {"ru": "м²", "uk": "м²", "en": "m²"},
     "title": {"ru": "Какая площадь квартиры?", "uk": "Яка площа квартири?", "en": "How big is the flat?"},
     "hint": {"ru": "Можно примерно — уточним на замере", "uk": "Можна приблизно — уточнимо під час заміру", "en": "Roughly is fine: we measure it on site"}},
    {"id": "level", "type": "single", "required": true,
     "title": {"ru": "Какой ремонт нужен?", "uk": "Який ремонт потрібен?", "en": "What kind of renovation?"},
     "options": [
       {"id": "cosmetic", "value": 4500, "label": {"ru": "Косметический (обои, покраска, полы)", "uk": "Косметичний (шпалери, фарбування, підлога)", "en": "Cosmetic (wallpaper, paint, floors)"}},
       {"id": "major", "value": 8500, "label": {"ru": "Капитальный (с заменой электрики и труб)", "uk": "Капітальний (із заміною електрики й труб)", "en": "Major (new wiring and pipes)"}},
       {"id": "design", "value": 14000, "label": {"ru": "Дизайнерский (по индивидуальному проекту)", "uk": "Дизайнерський (за індивідуальним проєктом)", "en": "Designer (to a project of your own)"}}
     ]},
    {"id": "extras", "type": "multi", "required": false, "max_choices": 3,
     "title": {"ru": "Что ещё нужно сделать?", "uk": "Що ще потрібно зробити?", "en": "What else needs doing?"},
     "options": [
       {"id": "floor", "value": 60000, "label": {"ru": "Тёплый пол", "uk": "Тепла підлога", "en": "Underfloor heating"}},
       {"id": "ceiling", "value": 40000, "label": {"ru": "Натяжные потолки", "uk": "Натяжні стелі", "en": "Stretch ceilings"}},
       {"id": "walls", "value": 120000, "label": {"ru": "Перепланировка", "uk": "Перепланування", "en": "Moving walls"}},
       {"id": "furniture", "value": 250000, "label": {"ru": "Мебель на заказ", "uk": "Меблі на замовлення", "en": "Fitted furniture"}}
     ]},
    {"id": "when", "type": "date", "required": false,
     "title": {"ru": "Когда хотите начать?", "uk": "Коли хочете почати?", "en": "When would you like to start?"},
     "hint": {"ru": "Примерная дата, её можно будет изменить", "uk": "Приблизна дата, її можна буде змінити", "en": "A rough date: it can change later"}},
    {"id": "wish", "type": "text", "required": false, "max_length": 500,
     "title": {"ru": "Что для вас особенно важно?", "uk": "Що для вас особливо важливо?", "en": "What matters most to you?"},
     "placeholder": {"ru": "Например: успеть до Нового года", "uk": "Наприклад: встигнути до Нового року", "en": "For example: finished before New Year"}},
    {"id": "deadline", "type": "rating", "required": false, "max": 5,
     "title": {"ru": "Насколько важно уложиться в сроки?", "uk": "Наскільки важливо вкластися в терміни?", "en": "How important is finishing on time?"}}
  ],
  "formulas": [
    {"name": "price", "expr": "area * level * (rooms >= 3 ? 1.1 : 1) + extras"}
  ],
  "results": [
    {"id": "budget", "when": {"value": "price", "max": 600000},
     "title": {"ru": "Экономичный ремонт", "uk": "Економний ремонт", "en": "A budget renovation"},
     "text": {"ru": "Предварительная смета: {price} ₽. Менеджер уточнит детали и пришлёт подробный расчёт.", "uk": "Попередній кошторис: {price} ₽. Менеджер уточнить деталі й надішле докладний розрахунок.", "en": "Estimate: {price} ₽. A manager will check the details and send you a full quote."},
     "summary": {"ru": "{rooms}, {area}, {level} — {price} ₽", "uk": "{rooms}, {area}, {level} — {price} ₽", "en": "{rooms}, {area}, {level}: {price} ₽"}},
    {"id": "standard", "when": {"value": "price", "min": 600000, "max": 2000000},
     "title": {"ru": "Ремонт под ключ", "uk": "Ремонт під ключ", "en": "A turnkey renovation"},
     "text": {"ru": "Предварительная смета: {price} ₽. Менеджер уточнит детали и пришлёт подробный расчёт.", "uk": "Попередній кошторис: {price} ₽. Менеджер уточнить деталі й надішле докладний розрахунок.", "en": "Estimate: {price} ₽. A manager will check the details and send you a full quote."},
     "summary": {"ru": "{rooms}, {area}, {level} — {price} ₽", "uk": "{rooms}, {area}, {level} — {price} ₽", "en": "{rooms}, {area}, {level}: {price} ₽"}},
    {"id": "premium",
     "title": {"ru": "Премиальный ремонт", "uk": "Преміальний ремонт", "en": "A premium renovation"},
     "text": {"ru": "Предварительная смета: {price} ₽. Для такого проекта дизайнер приедет на замер бесплатно.", "uk": "Попередній кошторис: {price} ₽. Для такого проєкту дизайнер приїде на замір безкоштовно.", "en": "Estimate: {price} ₽. For a project like this the designer measures up for free."},
     "summary": {"ru": "{rooms}, {area}, {level} — {price} ₽", "uk": "{rooms}, {area}, {level} — {price} ₽", "en": "{rooms}, {area}, {level}: {price} ₽"}}
  ],
  "form": {
    "position": "end",
    "fields": [{"name": "name"}, {"name": "phone", "required": true}, {"name": "email"}],
    "consent": {"required": true}
  },
  "offer_callback": true,
  "launcher": {"label": {"ru": "Рассчитать ремонт", "uk": "Розрахувати ремонт", "en": "Price my renovation"}, "position": "bottom-left"}
}`
