// The trigger block as the server sends it in a widget's public settings
// (widgets/triggers/settings.go, normalized: every field is there).

export interface Trigger {
  type: 'time_on_page' | 'time_on_site' | 'exit_intent' | 'scroll' | 'idle' | 'pages_viewed' | 'manual' | 'push';
  seconds?: number;
  percent?: number;
  count?: number;
}

export interface Block {
  on: Trigger[];
  pages: { include: string[]; exclude: string[] };
  device: 'any' | 'desktop' | 'phone';
  visitor: 'any' | 'new' | 'returning';
  utm_source: string[];
  caps: { per_visit: number; every_days: number; after_conversion: 'never' | 'again'; max_dismissals: number };
  priority: number;
}

/** A widget the engine watches for: what the loader passes from the site's config. */
export interface Watched {
  id: string;
  type: string;
  settings: { triggers: Block };
}

/** The engine's own settings, made by the loader. */
export interface EngineSettings {
  widgets: Watched[];
  /** Widget ids of beckon('show', id) calls so far; later calls come as 'show' events. */
  shows: string[];
}
