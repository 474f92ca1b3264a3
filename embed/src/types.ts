// The contract between the loader (src/loader.ts), widget bundles
// (src/widgets/<type>/index.ts) and the page that embeds Beckon. Types only:
// importing this file adds no bytes to a bundle.
//
// A widget bundle is an IIFE that registers itself with the loader:
//
//   import type { WidgetFactory } from '../../types';
//   const factory: WidgetFactory = (ctx) => { ...; return { open() {}, close() {} }; };
//   window.beckon('define', 'countdown', factory);

/** Languages the widgets speak. */
export type Locale = 'ru' | 'uk' | 'en';

/** The site as GET /w/v1/{siteKey}/config describes it. */
export interface SiteInfo {
  /** The public site key (the snippet's data-site). */
  key: string;
  /** The site's default locale (ru, uk, en). */
  locale: string;
  /** IANA time zone, e.g. "Europe/Moscow". */
  timezone: string;
  /** Default region for phone numbers, e.g. "RU". */
  region: string;
  /** The widgets speak the visitor's browser language (when ru, uk or en) rather than the page's. */
  follow_browser_language?: boolean;
}

/** One enabled widget of the site, as GET /w/v1/{siteKey}/config lists it. */
export interface WidgetConfig<S = Record<string, unknown>> {
  id: string;
  type: string;
  /** Path of the bundle relative to the loader's base URL; absent when no bundle exists for the type yet. */
  bundle?: string;
  /** The widget's public settings; their shape belongs to the widget type. */
  settings: S;
  /**
   * The id of the widget (a multi-button) that shows this widget's launcher:
   * when set, the widget draws no floating button of its own and opens
   * through beckon('open', id) alone.
   */
  hosted_by?: string;
  /**
   * The dashboard's preview of a widget not saved yet: the server knows no
   * widget by this id, so a widget shows a sample rather than asking it.
   */
  draft?: boolean;
  /**
   * The visitor's variant of the widget's A/B experiment (docs/EXPERIMENTS.md):
   * the settings above are already that variant's.
   */
  variant?: string;
}

/** The body of GET /w/v1/{siteKey}/config. */
export interface SiteConfig {
  site: SiteInfo;
  widgets: WidgetConfig[];
}

/** Detail of an event; what a widget emits is up to the widget. */
export type EventDetail = Record<string, unknown> | undefined;

/**
 * What a widget factory gets: everything it may touch.
 *
 * The page holds one `<beckon-root data-beckon-site="…">` host, appended to
 * document.body with an inline style that keeps it out of the page's layout
 * (position:fixed at the top left, 0×0, overflow visible, z-index 2147483000),
 * and an open shadow root holding one container per widget. Widgets place
 * their UI with position:fixed inside `root`. The page's stylesheets cannot
 * reach into the shadow root, but inherited properties (font, color, …) of
 * the page do: a widget sets its own on `root` (or `all: initial`) in a
 * <style> it appends to `root`.
 */
export interface WidgetContext<S = Record<string, unknown>> {
  /** The widget's own container, `<div part="widget" data-type="…">` inside the shadow root. Render here. */
  root: HTMLDivElement;
  /** The shadow root shared by all widgets of the page (for a <style> or a dialog layer). */
  shadow: ShadowRoot;
  /** This widget as /config lists it: id, type, public settings, hosted_by. */
  widget: WidgetConfig<S>;
  /** The site: key, default locale, time zone, phone region. */
  site: SiteInfo;
  /**
   * The language to speak (ru, uk or en): the snippet's data-lang; else the
   * browser's language when the site follows it; else the page's
   * <html lang>; else the site's locale.
   */
  locale: string;
  /** The visitor id: 32 lowercase hex digits, kept in localStorage "beckon_vid" (in memory when storage is blocked). */
  visitorId: string;
  /** The Beckon server's base URL: origin of embed.js plus any path prefix before /embed.js, no trailing slash. */
  base: string;
  /** Emit an event to the page's hooks and as a `beckon:<name>` DOM event on window. */
  emit(name: string, detail?: EventDetail): void;
  /** fetch(`${base}/w/v1/${siteKey}${path}`, {credentials: 'omit', ...init}); path starts with "/". */
  api(path: string, init?: RequestInit): Promise<Response>;
}

/** What a factory returns: how the page API opens and closes the widget. */
export interface WidgetHandle {
  open?(): void;
  close?(): void;
}

/** A widget bundle's entry point, registered with beckon('define', type, factory). */
export type WidgetFactory<S = Record<string, unknown>> = (ctx: WidgetContext<S>) => WidgetHandle | void;

/** An event hook; a '*' hook gets (name, detail), a named hook gets (detail). */
export type Hook = (a: any, b?: any) => void;

/** The page API: window.beckon(command, ...args). */
export interface Beckon {
  (command: 'open' | 'close', type: string): void;
  (command: 'on' | 'off', event: string, fn: Hook): void;
  (command: 'define', type: string, factory: WidgetFactory<any>): void;
  /** Shows a widget whose trigger block has a manual trigger, within its conditions and caps (docs/TRIGGERS.md). */
  (command: 'show', widgetId: string): void;
  /** Calls queued by the stub before the loader arrived. */
  q?: ArrayLike<unknown>[];
  /** Set on the real function: the loader has run. */
  l?: 1;
}

declare global {
  interface Window {
    beckon: Beckon;
  }
}
