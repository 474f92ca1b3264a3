// The social proof widget's stylesheet, scoped under .bksp because the
// shadow root is shared with the other widgets of the page.
//
// .bksp is a line of no height fixed in a bottom corner; its `bottom` is
// set from script (index.ts, place()) so that it stands above the callback
// button or a floating countdown in the same corner. The live count and the
// notice hang from it, absolutely positioned: the count at the bottom, the
// notice above the count's place (kept while there is no count). So nothing
// that is shown ever moves or resizes when another part comes or goes: a box
// whose top moves counts as a layout shift even when it is transparent.
// Notices fade with opacity and transform only. z-index:-1 keeps all of it
// under the other widgets' dialogs (still above the page: the host is a
// stacking context).

export const css = `
.bksp{all:initial;position:fixed;left:20px;bottom:20px;z-index:-1;width:340px;max-width:calc(100vw - 40px);height:0;pointer-events:none;font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#111827;
  -webkit-text-size-adjust:100%;text-size-adjust:100%}
.bksp.right{left:auto;right:20px}
.bksp *,.bksp *::before,.bksp *::after{box-sizing:border-box}
.bksp [hidden]{display:none!important}
.bksp .live{position:absolute;left:0;right:0;bottom:0;height:0}
.bksp.counted .live{bottom:42px}
.bksp .card{position:absolute;left:0;bottom:0;display:flex;align-items:center;gap:12px;width:100%;min-height:72px;padding:12px 40px 12px 12px;
  background:#fff;border-radius:14px;box-shadow:0 10px 30px rgba(0,0,0,.18),0 0 0 1px rgba(0,0,0,.06);pointer-events:auto}
.bksp .pic{flex:none;width:48px;height:48px;border-radius:10px;overflow:hidden;display:grid;place-items:center;background:#eef2f7;color:#334155}
.bksp .pic img{width:48px;height:48px;object-fit:cover;display:block}
.bksp .pic svg{width:26px;height:26px;fill:currentColor}
.bksp .txt{min-width:0;flex:1}
.bksp .msg{display:block;font-weight:600;color:inherit;text-decoration:none;overflow-wrap:anywhere;
  display:-webkit-box;-webkit-line-clamp:3;-webkit-box-orient:vertical;overflow:hidden}
.bksp a.msg::after{content:"";position:absolute;inset:0;border-radius:14px}
.bksp a.msg:focus-visible{outline:none}
.bksp a.msg:focus-visible::after{outline:3px solid #2563eb;outline-offset:2px}
.bksp a.msg:hover{text-decoration:underline;text-underline-offset:2px}
.bksp .ago{display:block;margin-top:2px;font-size:13px;color:#4b5563}
.bksp .x{position:absolute;z-index:1;top:2px;right:2px;width:36px;height:36px;padding:0;margin:0;border:0;border-radius:50%;background:transparent;
  color:#6b7280;cursor:pointer;display:grid;place-items:center}
.bksp .x svg{width:18px;height:18px;fill:currentColor}
.bksp .x:hover{background:rgba(127,127,127,.18)}
.bksp .x:focus-visible{outline:3px solid #2563eb;outline-offset:-3px}
.bksp .badge{position:absolute;left:0;bottom:0;display:flex;white-space:nowrap;align-items:center;gap:8px;min-height:34px;padding:6px 14px;border-radius:999px;background:#fff;
  box-shadow:0 6px 20px rgba(0,0,0,.15),0 0 0 1px rgba(0,0,0,.06);font-size:13px;font-weight:600;font-variant-numeric:tabular-nums;pointer-events:auto}
.bksp.right .badge{left:auto;right:0}
.bksp .badge.off{display:none}
.bksp .dot{flex:none;width:8px;height:8px;border-radius:50%;background:#16a34a;box-shadow:0 0 0 3px rgba(22,163,74,.2)}
.bksp.dark{color:#f9fafb}
.bksp.dark .card,.bksp.dark .badge{background:#1f2937;box-shadow:0 10px 30px rgba(0,0,0,.35),0 0 0 1px rgba(255,255,255,.08)}
.bksp.dark .pic{background:#374151;color:#e5e7eb}
.bksp.dark .ago{color:#d1d5db}
.bksp.dark .x{color:#d1d5db}
@media (max-width:480px){
  .bksp,.bksp.right{left:8px;right:8px;width:auto;max-width:none}
  .bksp .card{min-height:64px;padding:10px 38px 10px 10px;gap:10px}
  .bksp .pic,.bksp .pic img{width:40px;height:40px}
  .bksp .msg{font-size:13.5px}
}
@media (prefers-reduced-motion:no-preference){
  .bksp .card{animation:bksp-in .3s ease-out}
  .bksp .card.out{animation:bksp-out .25s ease-in forwards}
}
@keyframes bksp-in{from{opacity:0;transform:translateY(10px)}to{opacity:1;transform:none}}
@keyframes bksp-out{to{opacity:0;transform:translateY(10px)}}
`;
