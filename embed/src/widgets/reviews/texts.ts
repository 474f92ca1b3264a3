// Everything the reviews widget says, in ru, uk and en, from
// i18n/reviews_widget.json (Go checks it: every text in all three
// languages, the same placeholders, every CLDR plural form).

import catalog from '../../../../i18n/reviews_widget.json';
import type { Locale } from '../../types';

export type Texts = typeof catalog.en;

export const texts: Record<Locale, Texts> = catalog as Record<Locale, Texts>;

/** The CLDR rule of ru and uk for whole numbers. */
function slavic(n: number): string {
  const a = n % 10;
  const b = n % 100;
  return a === 1 && b !== 11 ? 'one' : a >= 2 && a <= 4 && (b < 12 || b > 14) ? 'few' : 'many';
}

/** Picks the plural form of forms for n in locale and fills {n}. */
export function plural(locale: Locale, forms: Record<string, string>, n: number): string {
  const cat = locale === 'en' ? (n === 1 ? 'one' : 'other') : slavic(n);
  return (forms[cat] || forms.other).replace('{n}', String(n));
}
