// Remaining time as days, hours, minutes and seconds, with the words for
// them in the visitor's language.

import type { Locale } from '../../types';
import type { Forms, Texts, Unit } from './texts';

export const UNITS: Unit[] = ['d', 'h', 'm', 's'];

/** Whole seconds left, split into units: [days, hours, minutes, seconds]. */
export function split(total: number): number[] {
  const t = Math.max(0, Math.floor(total));
  return [Math.floor(t / 86400), Math.floor(t / 3600) % 24, Math.floor(t / 60) % 60, t % 60];
}

/** Which units to show: days only from a day up, hours only from an hour up. */
export function shown(total: number): boolean[] {
  return [total >= 86400, total >= 3600, true, true];
}

type Category = keyof Forms;

/** The CLDR rule of ru and uk for whole numbers, where Intl.PluralRules is missing. */
function slavic(n: number): Category {
  const a = n % 10;
  const b = n % 100;
  return a === 1 && b !== 11 ? 'one' : a >= 2 && a <= 4 && (b < 12 || b > 14) ? 'few' : 'many';
}

/** A plural chooser for a language: n -> the word of forms that fits n. */
export function plural(locale: Locale): (n: number, forms: Forms) => string {
  let rules: Intl.PluralRules | null = null;
  try {
    rules = new Intl.PluralRules(locale);
  } catch (e) {
    // an old browser: the rules below
  }
  return (n, forms) => {
    const c: Category = rules ? (rules.select(n) as Category) : locale === 'en' ? (n === 1 ? 'one' : 'other') : slavic(n);
    return forms[c] || forms.other;
  };
}

/** Every word a unit can take, so a label can reserve the width of the longest. */
export function allForms(forms: Forms): string[] {
  const out: string[] = [];
  for (const k of ['one', 'few', 'many', 'other'] as Category[]) {
    const w = forms[k];
    if (w && out.indexOf(w) < 0) out.push(w);
  }
  return out;
}

/**
 * The remaining time for screen readers, to the minute: "2 дня 5 часов 14
 * минут"; under a minute, "меньше минуты".
 */
export function spoken(total: number, t: Texts, word: (n: number, forms: Forms) => string): string {
  if (total < 60) return t.lessThanMinute;
  const parts = split(total);
  const out: string[] = [];
  for (let i = 0; i < 3; i++) if (parts[i]) out.push(parts[i] + ' ' + word(parts[i], t.units[UNITS[i]]));
  return out.join(' ');
}
