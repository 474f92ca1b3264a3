// Where the launcher stands: its corner, above the callback button when
// both share that corner. It shows only once placed, after the page's other
// widgets have rendered (3 s at most), so it never moves once seen (no
// layout shift).

const NEIGHBOURS = '.bkcb .fab';
const GAP = 12;

export function place(shadow: ShadowRoot, own: Element, launcher: HTMLElement): void {
  const started = Date.now();
  const pending = () =>
    Array.prototype.some.call(shadow.querySelectorAll('[part="widget"]'), (r: Element) => r !== own && !r.childElementCount);
  const settle = () => {
    if (pending() && Date.now() - started < 3000) return void setTimeout(settle, 100);
    launcher.hidden = false;
    const me = launcher.getBoundingClientRect();
    let lift = 0;
    shadow.querySelectorAll(NEIGHBOURS).forEach((el) => {
      const r = el.getBoundingClientRect();
      // The same column, in the lower half of the window: stand above it.
      if (r.width && r.left < me.right && r.right > me.left && r.top > innerHeight / 2) lift = Math.max(lift, me.bottom - r.top + GAP);
    });
    if (lift) launcher.style.marginBottom = lift + 'px';
  };
  settle();
}
