// Labels for call slots: "завтра, 09:00", "Thu 26 Nov, 09:00", in the
// business's time zone, naming the zone when the visitor's clock differs.

export interface DayWords {
  today: string;
  tomorrow: string;
}

type Parts = Record<string, string>;

function parts(locale: string, opts: Intl.DateTimeFormatOptions, d: Date): Parts {
  const out: Parts = {};
  for (const p of new Intl.DateTimeFormat(locale, opts).formatToParts(d)) out[p.type] = p.value;
  return out;
}

/** Days since the epoch of d's calendar date in timeZone. */
function dayNumber(d: Date, timeZone: string): number {
  const p = parts('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }, d);
  return Date.UTC(+p.year, +p.month - 1, +p.day) / 864e5;
}

function clock(locale: string, timeZone: string, d: Date): string {
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' } as Intl.DateTimeFormatOptions).format(d);
}

/**
 * The label of a slot (RFC 3339) in timeZone for locale (ru, uk, en); now is
 * the current time in ms (the server's clock when known).
 */
export function slotLabel(iso: string, timeZone: string, locale: string, words: DayWords, now: number): string {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return iso;
  const loc = locale === 'en' ? 'en-GB' : locale;
  try {
    const time = clock(loc, timeZone, d);
    const diff = dayNumber(d, timeZone) - dayNumber(new Date(now), timeZone);
    const day =
      diff === 0
        ? words.today
        : diff === 1
          ? words.tomorrow
          : new Intl.DateTimeFormat(loc, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }).format(d);
    let label = day + ', ' + time;
    const mine = new Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (mine && clock(loc, mine, d) !== time) {
      const zone = parts(loc, { timeZone, timeZoneName: 'short' }, d).timeZoneName;
      if (zone) label += ' (' + zone + ')';
    }
    return label;
  } catch (e) {
    // An unknown time zone: the visitor's own clock is better than nothing.
    return d.toLocaleString(loc, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  }
}
