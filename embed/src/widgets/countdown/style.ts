// The countdown widget's stylesheet, scoped under .bkcd because the loader's
// shadow root is shared with the other widgets of the page (an inline timer
// has a shadow root of its own and adopts the same sheet). Colours come from
// custom properties set on .bkcd from the owner's colour:
//   --bk-bg, --bk-fg   the bar's background and text (at least 4.5:1)
//   --bk-brand         the owner's colour as given (the card's accent)
//   --bk-num           the card's digits on white (at least 4.5:1)
//
// Nothing here may move once it is on the screen: the digits are tabular and
// at least two wide, and each unit's word reserves the width of its longest
// form (the other forms sit hidden in the same grid cell), so the ticking
// does not make the bar jitter or count as a layout shift.

export const css = `
.bkcd{all:initial;display:block;box-sizing:border-box;font:15px/1.35 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;
  -webkit-text-size-adjust:100%;text-size-adjust:100%}
.bkcd *,.bkcd *::before,.bkcd *::after{box-sizing:border-box}
.bkcd [hidden]{display:none!important}
.bkcd p{margin:0}
.bkcd .digits{display:inline-flex;white-space:nowrap}
.bkcd .u{display:inline-flex}
.bkcd .n{display:inline-block;min-width:2ch;text-align:center;font-weight:800;font-variant-numeric:tabular-nums;letter-spacing:0}
.bkcd .l{display:inline-grid;text-align:start}
.bkcd .l>span{grid-area:1/1}
.bkcd .l>.sz{visibility:hidden}
.bkcd .x{position:absolute;width:44px;height:44px;padding:0;margin:0;border:0;border-radius:50%;background:transparent;color:inherit;
  cursor:pointer;display:grid;place-items:center;font:inherit}
.bkcd .x svg{width:20px;height:20px;fill:currentColor}
.bkcd .x:hover{background:rgba(127,127,127,.2)}
.bkcd .x:focus-visible{outline:3px solid currentColor;outline-offset:-3px}

.bkcd.top_bar,.bkcd.bottom_bar{position:fixed;left:0;right:0;background:var(--bk-bg);color:var(--bk-fg);
  box-shadow:0 2px 12px rgba(0,0,0,.2)}
.bkcd.top_bar{top:0}
.bkcd.bottom_bar{bottom:0;padding-bottom:env(safe-area-inset-bottom);box-shadow:0 -2px 12px rgba(0,0,0,.2)}
.bkcd.top_bar .body,.bkcd.bottom_bar .body{display:flex;flex-wrap:wrap;align-items:center;justify-content:center;column-gap:18px;row-gap:0;
  min-height:52px;padding:6px 56px;text-align:center}
.bkcd.top_bar .title,.bkcd.bottom_bar .title{font-size:16px;font-weight:600}
.bkcd.top_bar .digits,.bkcd.bottom_bar .digits{gap:12px;align-items:baseline}
.bkcd.top_bar .u,.bkcd.bottom_bar .u{align-items:baseline;gap:5px}
.bkcd.top_bar .n,.bkcd.bottom_bar .n{font-size:24px;line-height:1.2}
.bkcd.top_bar .l,.bkcd.bottom_bar .l{font-size:15px}
.bkcd.top_bar .msg,.bkcd.bottom_bar .msg{font-size:17px;font-weight:700}
.bkcd.top_bar .x,.bkcd.bottom_bar .x{right:6px;top:50%;margin-top:-22px}
/* Phones: the title above, each number above its word. */
@media (max-width:600px){
  .bkcd.top_bar .body,.bkcd.bottom_bar .body{flex-direction:column;min-height:56px;padding:4px 44px 5px}
  .bkcd.top_bar .title,.bkcd.bottom_bar .title{font-size:13px;line-height:16px}
  .bkcd.top_bar .digits,.bkcd.bottom_bar .digits{gap:12px;align-items:flex-start}
  .bkcd.top_bar .u,.bkcd.bottom_bar .u{flex-direction:column;align-items:center;gap:0}
  .bkcd.top_bar .n,.bkcd.bottom_bar .n{font-size:20px;line-height:22px}
  .bkcd.top_bar .l,.bkcd.bottom_bar .l{font-size:11px;line-height:13px;text-align:center}
  .bkcd.top_bar .msg,.bkcd.bottom_bar .msg{font-size:15px}
  .bkcd.top_bar .x,.bkcd.bottom_bar .x{right:0}
}

.bkcd.floating,.bkcd.inline{background:#fff;color:#111827;text-align:center;border-radius:14px}
.bkcd.floating{position:fixed;left:16px;bottom:16px;max-width:calc(100vw - 112px);padding:12px 44px 14px;
  box-shadow:0 10px 30px rgba(0,0,0,.2),0 0 0 1px rgba(0,0,0,.06);border-top:4px solid var(--bk-brand)}
/* 112 px tall with a one-line title (README: the page reserves it with min-height). */
.bkcd.inline{position:relative;min-height:112px;padding:14px 16px 12px;border:1px solid #e5e7eb;border-top:4px solid var(--bk-brand)}
.bkcd.floating .title,.bkcd.inline .title{font-size:15px;font-weight:600;line-height:20px;margin:0 0 6px}
.bkcd.floating .digits,.bkcd.inline .digits{gap:14px;height:54px;align-items:flex-start}
.bkcd.floating .u,.bkcd.inline .u{flex-direction:column;align-items:center}
.bkcd.floating .n,.bkcd.inline .n{font-size:30px;line-height:36px;color:var(--bk-num)}
.bkcd.floating .l,.bkcd.inline .l{font-size:13px;line-height:18px;color:#4b5563;text-align:center}
.bkcd.floating .msg,.bkcd.inline .msg{position:absolute;inset:0;display:flex;align-items:center;justify-content:center;
  padding:8px 40px;font-size:17px;font-weight:700;line-height:1.3}
.bkcd.floating.done .title,.bkcd.floating.done .clock,.bkcd.inline.done .title,.bkcd.inline.done .clock{visibility:hidden}
.bkcd.floating .x{right:0;top:0;color:#4b5563}
@media (max-width:480px){
  .bkcd.floating{left:8px;bottom:8px;max-width:calc(100vw - 96px);padding:10px 44px 10px 12px}
  .bkcd.floating .digits,.bkcd.inline .digits{gap:10px}
  .bkcd.floating .n,.bkcd.inline .n{font-size:26px}
  .bkcd.floating .l,.bkcd.inline .l{font-size:12px}
}

@media (prefers-reduced-motion:no-preference){
  .bkcd.top_bar{animation:bkcd-down .3s ease-out}
  .bkcd.bottom_bar{animation:bkcd-up .3s ease-out}
  .bkcd.floating{animation:bkcd-fade .25s ease-out}
}
@keyframes bkcd-down{from{transform:translateY(-100%)}to{transform:none}}
@keyframes bkcd-up{from{transform:translateY(100%)}to{transform:none}}
@keyframes bkcd-fade{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
`;
