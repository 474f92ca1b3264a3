// Everything the countdown widget says, in ru, uk and en, comes from
// i18n/countdown_widget.json: the one catalogue, which Go reads too (the
// e-mail GIF's labels) and checks for completeness. Units come in the CLDR
// plural forms of Intl.PluralRules: ru and uk use one (1, 21), few (2–4,
// 22–24), many (0, 5–20, 25…) and other (fractions, never shown here); en
// uses one and other.

import catalog from '../../../../i18n/countdown_widget.json';

export type Unit = 'd' | 'h' | 'm' | 's';
export type Forms = { one: string; few?: string; many?: string; other: string };

export type Texts = {
  title: string;
  expired: string;
  close: string;
  lessThanMinute: string;
  units: Record<Unit, Forms>;
};

export const texts: Record<'ru' | 'uk' | 'en', Texts> = catalog;
