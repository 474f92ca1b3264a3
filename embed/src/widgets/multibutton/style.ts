// The multi-button's stylesheet, scoped under .bkmb because the shadow root
// is shared with the other widgets of the page. The button stands where
// the callback button would (the widgets it hosts draw none); the fan opens
// upward above it, and on a phone as a sheet from the bottom of the window.
// --bk-inset-bottom (set on the host by a countdown bar at the bottom)
// lifts the button by translate, which the browser does not count as a
// layout shift. Motion only where the visitor has not asked for less.

export const css = `
.bkmb{all:initial;display:block;font:16px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;-webkit-text-size-adjust:100%}
.bkmb *,.bkmb *::before,.bkmb *::after{box-sizing:border-box}
.bkmb [hidden]{display:none!important}
.bkmb button,.bkmb a{font:inherit;margin:0}
.bkmb svg{fill:currentColor}

.bkmb .fab{position:fixed;z-index:1;bottom:20px;right:20px;translate:0 calc(0px - var(--bk-inset-bottom,0px));width:60px;height:60px;border-radius:50%;border:0;padding:0;cursor:pointer;
  background:var(--bk-brand);color:var(--bk-on-brand);box-shadow:0 6px 20px rgba(0,0,0,.25);display:grid;place-items:center}
.bkmb.left .fab{right:auto;left:20px}
.bkmb .fab svg{width:28px;height:28px;grid-area:1/1}
.bkmb .fab .x{display:none}
.bkmb.open .fab .x{display:block}
.bkmb.open .fab .i{display:none}
.bkmb .fab:focus-visible{outline:3px solid #111827;outline-offset:3px;box-shadow:0 0 0 3px #fff,0 6px 20px rgba(0,0,0,.25)}

.bkmb .shade{position:fixed;inset:0;z-index:3;background:transparent}
.bkmb .fan{position:fixed;z-index:3;right:20px;bottom:calc(92px + var(--bk-inset-bottom,0px));max-height:calc(100vh - 112px - var(--bk-inset-bottom,0px));overflow:auto;
  display:flex;flex-direction:column;align-items:flex-end;gap:10px;padding:4px}
.bkmb.left .fan{right:auto;left:20px;align-items:flex-start}
.bkmb .fan:focus{outline:none}
.bkmb .head{display:none}
.bkmb ul{list-style:none;margin:0;padding:0;display:flex;flex-direction:column;align-items:inherit;gap:10px}
.bkmb li{display:block}
.bkmb .item{display:flex;align-items:center;gap:10px;text-decoration:none;color:#1f2328;background:none;border:0;padding:0;cursor:pointer;text-align:left;border-radius:26px}
.bkmb:not(.left) .item{flex-direction:row-reverse}
.bkmb .lbl{background:#fff;padding:8px 14px;border-radius:10px;box-shadow:0 2px 10px rgba(0,0,0,.18);font-size:15px;white-space:nowrap;max-width:60vw;overflow:hidden;text-overflow:ellipsis}
.bkmb .ic{flex:none;width:48px;height:48px;border-radius:50%;display:grid;place-items:center;color:#fff;background:var(--c,var(--bk-strong));box-shadow:0 3px 12px rgba(0,0,0,.22)}
.bkmb .ic svg{width:24px;height:24px}
.bkmb .item:hover .lbl{background:#f3f4f6}
.bkmb .item:focus-visible{outline:3px solid #111827;outline-offset:3px}
.bkmb .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-reduced-motion:no-preference){
  .bkmb .fan li{animation:bkmb-in .16s ease-out backwards}
  .bkmb .fan li:nth-last-child(2){animation-delay:.03s}
  .bkmb .fan li:nth-last-child(3){animation-delay:.06s}
  .bkmb .fan li:nth-last-child(n+4){animation-delay:.09s}
}
@keyframes bkmb-in{from{opacity:0;transform:translateY(10px)}to{opacity:1;transform:none}}

@media (max-width:480px){
  .bkmb .fab{bottom:16px;right:16px}
  .bkmb.left .fab{left:16px}
  .bkmb .shade{background:rgba(17,24,39,.45)}
  .bkmb .fan,.bkmb.left .fan{left:0;right:0;bottom:0;max-height:85vh;align-items:stretch;gap:0;padding:8px 16px calc(16px + env(safe-area-inset-bottom,0px));
    background:#fff;border-radius:16px 16px 0 0;box-shadow:0 -8px 30px rgba(0,0,0,.2)}
  .bkmb .head{display:flex;align-items:center;justify-content:space-between;min-height:48px;font-weight:600;font-size:17px}
  .bkmb .close{width:44px;height:44px;border:0;border-radius:50%;background:none;color:#4b5563;cursor:pointer;display:grid;place-items:center;margin-right:-10px}
  .bkmb .close svg{width:24px;height:24px}
  .bkmb .close:focus-visible{outline:3px solid #111827;outline-offset:-3px}
  .bkmb ul{align-items:stretch;gap:4px}
  .bkmb .item,.bkmb:not(.left) .item{flex-direction:row;width:100%;min-height:52px;border-radius:12px;padding:2px 4px}
  .bkmb .item:focus-visible{outline-offset:0}
  .bkmb .lbl,.bkmb .item:hover .lbl{background:none;box-shadow:none;padding:0;font-size:16px;max-width:none;white-space:normal}
  .bkmb .ic{width:44px;height:44px;box-shadow:none}
  @media (prefers-reduced-motion:no-preference){.bkmb .fan{animation:bkmb-up .18s ease-out}.bkmb .fan li{animation:none}}
}
@keyframes bkmb-up{from{transform:translateY(100%)}to{transform:none}}
`;
