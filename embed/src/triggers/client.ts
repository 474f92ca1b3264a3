// What a widget bundle imports to be shown by the trigger engine
// (docs/TRIGGERS.md, "The widget side"). It talks to the engine through the
// loader's event bus (ctx.emit and beckon('on')), so the two bundles may
// load in any order and a widget costs nothing on a site without triggers.
//
//   const t = triggerable(ctx, (trigger) => { open(); return isOpen; });
//   ... t.opened() when it opens by other means (launcher, page API),
//   t.closed() when it closes, t.converted() on a lead.

import type { WidgetContext } from '../types';

export interface Reporter {
  opened(): void;
  closed(): void;
  converted(): void;
}

/**
 * Registers the widget with the engine. show is called when a trigger
 * fires; it returns whether the widget is now on screen because of it
 * (false: it could not, or was open already), and only then does the
 * showing count against the widget's caps.
 */
export function triggerable(ctx: WidgetContext<any>, show: (trigger: string) => boolean): Reporter {
  const id = ctx.widget.id;
  const tell = (what: string, trigger?: string) => ctx.emit('trigger:' + what, { id, trigger });
  window.beckon('on', 'trigger:hello', () => tell('ready'));
  window.beckon('on', 'trigger:show', (d: { id: string; trigger: string }) => {
    if (d.id === id && show(d.trigger)) tell('shown', d.trigger);
  });
  // After the factory has its reporter: a widget the engine shows at once
  // calls it from show() (its open() tells 'opened').
  Promise.resolve().then(() => tell('ready'));
  return { opened: () => tell('opened'), closed: () => tell('closed'), converted: () => tell('converted') };
}
