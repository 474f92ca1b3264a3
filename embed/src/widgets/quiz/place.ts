// Where the launcher stands: its corner, above the callback button (or the
// multi-button) when both share that corner. It shows once the page's other widgets have
// rendered (3 s at most), placed, so it does not move when seen; a
// neighbour that comes later still than that lifts it then, rather than
// covering it.

const NEIGHBOURS = '.bkcb .fab, .bkmb .fab';
const GAP = 12;

export function place(shadow: ShadowRoot, own: Element, launcher: HTMLElement): void {
  const started = Date.now();
  const pending = () =>
    // The trigger engine's container never draws anything: not a neighbour.
    Array.prototype.some.call(
      shadow.querySelectorAll('[part="widget"]:not([data-type="triggers"])'),
      (r: Element) => r !== own && !r.childElementCount,
    );
  const lift = () => {
    launcher.style.marginBottom = '';
    const me = launcher.getBoundingClientRect();
    let by = 0;
    shadow.querySelectorAll(NEIGHBOURS).forEach((el) => {
      const r = el.getBoundingClientRect();
      // The same column, in the lower half of the window: stand above it.
      if (r.width && r.left < me.right && r.right > me.left && r.top > innerHeight / 2) by = Math.max(by, me.bottom - r.top + GAP);
    });
    launcher.style.marginBottom = by ? by + 'px' : '';
  };
  const settle = () => {
    const waiting = pending();
    if (waiting && Date.now() - started < 3000) return void setTimeout(settle, 100);
    launcher.hidden = false;
    lift();
    // A bundle slower than 3 s: place again when it has come (30 s at most).
    if (waiting) {
      const late = () => (pending() ? Date.now() - started < 30e3 && setTimeout(late, 250) : lift());
      late();
    }
  };
  settle();
}
