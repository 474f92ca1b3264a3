// Small helpers for the widgets' languages (ru, uk, en).

import type { Locale } from '../../types';

/** The language to speak: ru, uk or en; anything else speaks en. */
export function lang(locale: string): Locale {
  return locale === 'ru' || locale === 'uk' ? locale : 'en';
}

/**
 * Text an owner wrote per language ({"ru": "...", "en": "..."}): the
 * visitor's language, else the site's, else any other, else fallback.
 */
export function pick(map: Record<string, string> | null | undefined, locale: string, siteLocale: string, fallback = ''): string {
  const k = pickKey(map, locale, siteLocale);
  return k && map ? map[k] : fallback;
}

/** The language pick() takes its text from, or '' when there is none. */
export function pickKey(map: Record<string, string> | null | undefined, locale: string, siteLocale: string): string {
  if (!map) return '';
  for (const l of [locale, siteLocale, 'ru', 'uk', 'en']) {
    if (typeof map[l] === 'string' && map[l].trim()) return l;
  }
  for (const k in map) if (typeof map[k] === 'string' && map[k].trim()) return k;
  return '';
}

/** Fills {name} placeholders: fill('через {n} мин', {n: 3}). */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
