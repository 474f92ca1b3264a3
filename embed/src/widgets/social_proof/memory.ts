// What the visitor's browser remembers between pages: the ids of the
// notices it has shown (localStorage, the newest SEEN_KEEP, so a notice is
// never shown twice), how many it showed in this visit and whether the
// visitor hid them (sessionStorage). When storage is blocked, the page view
// remembers them in memory.

const SEEN_KEEP = 300;
const mem: Record<string, string> = {};

function get(store: () => Storage, k: string): string {
  try {
    return store().getItem(k) || '';
  } catch (e) {
    return mem[k] || '';
  }
}

function set(store: () => Storage, k: string, v: string) {
  try {
    store().setItem(k, v);
  } catch (e) {
    mem[k] = v;
  }
}

const local = () => localStorage;
const session = () => sessionStorage;

export function memory(siteKey: string, widgetId: string) {
  const seenKey = 'beckon_sp_seen_' + siteKey;
  const countKey = 'beckon_sp_n_' + widgetId;
  const hiddenKey = 'beckon_sp_hidden_' + widgetId;
  const seen = (): string[] => {
    try {
      const v = JSON.parse(get(local, seenKey) || '[]');
      return Array.isArray(v) ? v : [];
    } catch (e) {
      return [];
    }
  };
  return {
    seen(id: string): boolean {
      return seen().indexOf(id) >= 0;
    },
    /** Remembers id as shown and counts it for this visit. */
    shown(id: string) {
      const ids = seen().filter((x) => x !== id);
      ids.push(id);
      set(local, seenKey, JSON.stringify(ids.slice(-SEEN_KEEP)));
      set(session, countKey, String(this.count() + 1));
    },
    count(): number {
      return parseInt(get(session, countKey), 10) || 0;
    },
    hidden(): boolean {
      return get(session, hiddenKey) === '1';
    },
    /** The visitor closed a notice: no more in this visit (until the page API opens the widget). */
    hide(on: boolean) {
      set(session, hiddenKey, on ? '1' : '');
    },
  };
}
