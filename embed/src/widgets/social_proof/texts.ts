// Everything the social proof widget says, in ru, uk and en, comes from
// i18n/social_proof_widget.json: the one catalogue, which Go checks for
// completeness (every text in all three languages, the same placeholders,
// every CLDR plural form).
//
// Notice templates exist per event type in variants (full, no_city,
// no_product, bare): the first whose placeholders all have a value is used,
// so a notice never reads "from  bought". Ru and uk use noun phrases
// («Мария (Брянск) — покупка: …»): a name says nothing reliable about the
// grammatical gender a verb would need, and a city cannot be declined.

import catalog from '../../../../i18n/social_proof_widget.json';
import type { Locale } from '../../types';

export type Texts = typeof catalog.en;

export const texts: Record<Locale, Texts> = catalog;

/**
 * Plural forms as i18n.Forms in Go: keyed by exact value ("=1") and by CLDR
 * category ("one", "few", "many", "other"); {n} is the number.
 */
export type Forms = Record<string, string>;

/** The CLDR rule of ru and uk for whole numbers, where Intl.PluralRules is missing. */
function slavic(n: number): string {
  const a = n % 10;
  const b = n % 100;
  return a === 1 && b !== 11 ? 'one' : a >= 2 && a <= 4 && (b < 12 || b > 14) ? 'few' : 'many';
}

/** A chooser of forms for a language, as i18n.Forms.For: exact value, then category, then other. */
export function plural(locale: Locale): (forms: Forms, n: number) => string {
  let rules: Intl.PluralRules | null = null;
  try {
    rules = new Intl.PluralRules(locale);
  } catch (e) {
    // an old browser: the rules below
  }
  return (forms, n) => {
    const cat = rules ? rules.select(n) : locale === 'en' ? (n === 1 ? 'one' : 'other') : slavic(n);
    const s = forms['=' + n] || forms[cat] || forms.other;
    return s.replace('{n}', String(n));
  };
}

/** How long ago t was, to the minute: "just now", "3 minutes ago", "2 hours ago", "a day ago". */
export function ago(t: Texts, word: ReturnType<typeof plural>, ms: number): string {
  const min = Math.floor(ms / 60e3);
  if (min < 1) return t.ago.now;
  if (min < 60) return word(t.ago.minutes, min);
  const hours = Math.floor(min / 60);
  if (hours < 24) return word(t.ago.hours, hours);
  return word(t.ago.days, Math.floor(hours / 24));
}
