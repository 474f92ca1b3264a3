// Everything the countdown widget says, in ru, uk and en. Units come in the
// plural forms of Intl.PluralRules: ru and uk use one (1, 21), few (2–4,
// 22–24), many (0, 5–20, 25…) and other (fractions, never shown here); en
// uses one and other.

export type Unit = 'd' | 'h' | 'm' | 's';
export type Forms = { one: string; few?: string; many?: string; other: string };

const en = {
  title: 'Offer ends in',
  expired: 'The offer has ended',
  close: 'Close',
  lessThanMinute: 'less than a minute',
  units: {
    d: { one: 'day', other: 'days' },
    h: { one: 'hour', other: 'hours' },
    m: { one: 'minute', other: 'minutes' },
    s: { one: 'second', other: 'seconds' },
  } as Record<Unit, Forms>,
};

export type Texts = typeof en;

const ru: Texts = {
  title: 'До конца акции осталось',
  expired: 'Акция завершена',
  close: 'Закрыть',
  lessThanMinute: 'меньше минуты',
  units: {
    d: { one: 'день', few: 'дня', many: 'дней', other: 'дня' },
    h: { one: 'час', few: 'часа', many: 'часов', other: 'часа' },
    m: { one: 'минута', few: 'минуты', many: 'минут', other: 'минуты' },
    s: { one: 'секунда', few: 'секунды', many: 'секунд', other: 'секунды' },
  },
};

const uk: Texts = {
  title: 'До кінця акції залишилося',
  expired: 'Акцію завершено',
  close: 'Закрити',
  lessThanMinute: 'менше хвилини',
  units: {
    d: { one: 'день', few: 'дні', many: 'днів', other: 'дня' },
    h: { one: 'година', few: 'години', many: 'годин', other: 'години' },
    m: { one: 'хвилина', few: 'хвилини', many: 'хвилин', other: 'хвилини' },
    s: { one: 'секунда', few: 'секунди', many: 'секунд', other: 'секунди' },
  },
};

export const texts: Record<'ru' | 'uk' | 'en', Texts> = { ru, uk, en };
