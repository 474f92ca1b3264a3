// The quiz widget's stylesheet, scoped under .bkqz because the shadow root
// is shared with the other widgets of the page. A centred dialog on a
// desktop; on a phone (≤ 480 px) a full-screen sheet. Images keep their
// box (aspect-ratio) before they load, so nothing jumps.

export const css = `
.bkqz{all:initial;display:block;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;
  -webkit-text-size-adjust:100%}
.bkqz *,.bkqz *::before,.bkqz *::after{box-sizing:border-box}
.bkqz [hidden]{display:none!important}
.bkqz button,.bkqz input,.bkqz textarea{font:inherit;color:inherit;margin:0}
.bkqz :focus-visible{outline:3px solid var(--bk-strong);outline-offset:2px}
.bkqz h2:focus{outline:none}

.bkqz .launch{position:fixed;bottom:20px;right:20px;translate:0 calc(0px - var(--bk-inset-bottom,0px));display:flex;align-items:center;gap:8px;
  min-height:52px;max-width:calc(100vw - 120px);padding:12px 20px;border:0;border-radius:26px;cursor:pointer;
  background:var(--bk-strong);color:var(--bk-on-strong);font-weight:700;box-shadow:0 6px 20px rgba(0,0,0,.25)}
.bkqz .launch.left{right:auto;left:20px}
.bkqz .launch svg{flex:none;width:22px;height:22px;fill:currentColor}
.bkqz .launch span{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.bkqz .launch:hover{filter:brightness(1.06)}

.bkqz .shade{position:fixed;inset:0;z-index:3;background:rgba(17,24,39,.55);display:grid;place-items:center;padding:16px}
.bkqz .dlg{position:relative;display:flex;flex-direction:column;width:600px;max-width:100%;height:min(640px,calc(100vh - 32px));
  background:#fff;border-radius:18px;box-shadow:0 20px 60px rgba(0,0,0,.3);overflow:hidden;overflow:clip}
@media (prefers-reduced-motion:no-preference){.bkqz .dlg{animation:bkqz-in .18s ease-out}.bkqz .bar i{transition:width .25s ease}}
@keyframes bkqz-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}
.bkqz .top{flex:none;display:flex;align-items:center;gap:8px;padding:10px 10px 6px}
.bkqz .icon{flex:none;width:44px;height:44px;border:0;border-radius:50%;background:transparent;cursor:pointer;display:grid;place-items:center;color:#4b5563}
.bkqz .icon:hover{background:#f3f4f6}
.bkqz .icon svg{width:24px;height:24px;fill:currentColor}
.bkqz .icon.ghost{visibility:hidden}
.bkqz .bar{flex:1;height:8px;border-radius:4px;background:#e5e7eb;overflow:hidden}
.bkqz .bar i{display:block;height:100%;width:0;background:var(--bk-strong);border-radius:4px}
.bkqz .pct{flex:none;min-width:40px;font-size:13px;color:#4b5563;text-align:right;font-variant-numeric:tabular-nums}
.bkqz .main{flex:1;overflow:auto;padding:8px 28px 20px;overscroll-behavior:contain}
.bkqz .foot{flex:none;display:flex;gap:10px;padding:12px 28px 20px;border-top:1px solid #eef0f2}
.bkqz .foot .primary{flex:1}

.bkqz h2{margin:8px 0 6px;font-size:22px;line-height:1.25;font-weight:700;color:#111827;text-wrap:balance}
.bkqz .qn{margin:4px 0 0;font-size:13px;font-weight:600;color:#6b7280;text-transform:uppercase;letter-spacing:.04em}
.bkqz .hint,.bkqz .text{margin:0 0 14px;color:#4b5563}
.bkqz .hint2{margin:0 0 10px;color:#6b7280;font-size:14px}
.bkqz .right{text-align:right;margin:6px 0 0}
.bkqz .hero{display:block;width:100%;height:auto;max-height:240px;aspect-ratio:16/9;object-fit:cover;border-radius:12px;background:#f3f4f6;margin:8px 0 12px}
.bkqz .bonus{display:flex;gap:10px;align-items:center;margin:0 0 16px;padding:12px 14px;border-radius:12px;background:#fff7e6;color:#7a4b00;font-weight:600}
.bkqz .bonus svg{flex:none;width:24px;height:24px;fill:currentColor}

.bkqz .opts{display:grid;gap:10px}
.bkqz .opt,.bkqz .card{position:relative;display:flex;align-items:center;gap:12px;min-height:52px;padding:12px 14px;border:2px solid #d0d7de;border-radius:12px;
  cursor:pointer;background:#fff;transition:border-color .12s,background .12s}
.bkqz .opt:hover,.bkqz .card:hover{border-color:#8c959f}
.bkqz .box{position:absolute;opacity:0;width:1px;height:1px;margin:0;pointer-events:none}
.bkqz .opt:focus-within,.bkqz .card:focus-within{outline:3px solid var(--bk-strong);outline-offset:2px}
.bkqz .opt:has(.box:checked),.bkqz .card:has(.box:checked){border-color:var(--bk-strong);background:var(--bk-tint)}
.bkqz .olabel{display:flex;align-items:center;gap:12px;min-width:0}
.bkqz .mark{flex:none;width:24px;height:24px;border:2px solid #8c959f;border-radius:50%;display:grid;place-items:center;background:#fff}
.bkqz [type=checkbox]~.olabel .mark{border-radius:6px}
.bkqz .mark svg{width:16px;height:16px;fill:#fff;opacity:0}
.bkqz .box:checked~.olabel .mark{background:var(--bk-strong);border-color:var(--bk-strong)}
.bkqz .box:checked~.olabel .mark svg{opacity:1;fill:var(--bk-on-strong)}
.bkqz .opt .pic{flex:none;width:56px;height:56px;border-radius:8px;overflow:hidden;background:#f3f4f6}
.bkqz .opt .pic img{width:100%;height:100%;object-fit:cover;display:block}
.bkqz .cards{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.bkqz .cards.c3{grid-template-columns:1fr 1fr 1fr}
.bkqz .card{flex-direction:column;align-items:stretch;padding:8px;gap:8px}
.bkqz .card .pic{display:block;aspect-ratio:3/2;border-radius:8px;overflow:hidden;background:#f3f4f6}
.bkqz .card .pic img{display:block;width:100%;height:100%;object-fit:cover}
.bkqz .card .olabel{padding:0 4px 4px;font-weight:600;hyphens:auto}
.bkqz .card .mark{position:absolute;top:14px;left:14px;box-shadow:0 1px 4px rgba(0,0,0,.3)}
.bkqz .olabel>span:last-child{min-width:0;overflow-wrap:break-word}

.bkqz .txt{display:block;width:100%;min-height:48px;border:1px solid #8c959f;border-radius:10px;background:#fff;padding:10px 12px;font-size:16px}
.bkqz textarea.txt{resize:vertical;min-height:110px}
.bkqz .txt:focus{border-color:var(--bk-strong)}
.bkqz .numrow{display:flex;align-items:center;gap:10px}
.bkqz .num{width:180px}
.bkqz .date{width:220px}
.bkqz .unit{font-weight:600;color:#374151}
.bkqz .range{display:block;width:100%;height:32px;margin:18px 0 0;accent-color:var(--bk-strong)}
.bkqz .scale{display:flex;justify-content:space-between;color:#6b7280;font-size:14px}
.bkqz .stars{display:flex;gap:6px;flex-wrap:wrap}
.bkqz .star{position:relative;width:48px;height:48px;display:grid;place-items:center;cursor:pointer;border-radius:10px;color:#d0d7de}
.bkqz .star svg{width:40px;height:40px;fill:currentColor}
.bkqz .star.on{color:#f59e0b}
.bkqz .star:focus-within{outline:3px solid var(--bk-strong);outline-offset:1px}

.bkqz .field{margin:0 0 14px}
.bkqz .lbl{display:block;font-size:14px;font-weight:600;margin:0 0 6px}
.bkqz [aria-invalid="true"]{border-color:#b42318!important}
.bkqz .err,.bkqz .formerr{margin:8px 0 0;color:#b42318;font-size:14px;font-weight:500}
.bkqz .err:empty,.bkqz .formerr:empty{display:none}
.bkqz .consent{display:flex;gap:10px;align-items:flex-start;font-size:14px;color:#374151;cursor:pointer}
.bkqz .consent input{flex:none;width:22px;height:22px;margin:1px 0 0;accent-color:var(--bk-strong)}
.bkqz .consent a,.bkqz .policy a{color:var(--bk-strong)}
.bkqz .policy{font-size:14px}
.bkqz .hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}
.bkqz .sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}

.bkqz .primary,.bkqz .second{min-height:50px;border-radius:12px;padding:12px 18px;cursor:pointer;font-weight:700;font-size:17px}
.bkqz .primary{display:block;width:100%;border:0;background:var(--bk-strong);color:var(--bk-on-strong)}
.bkqz .primary:hover{filter:brightness(1.06)}
.bkqz .primary[aria-disabled="true"]{opacity:.65;cursor:progress}
.bkqz .second{border:2px solid #d0d7de;background:#fff;color:#1f2328}
.bkqz .second:hover{border-color:#8c959f}
.bkqz .main .primary{margin-top:8px}
.bkqz .main .second{display:block;width:100%;margin-top:10px}
.bkqz .res{margin:0 0 16px;font-size:18px;color:#111827;white-space:pre-line}
.bkqz .ok{margin:12px 0 0;color:#166534;font-weight:600}

@media (max-width:480px){
  .bkqz .launch{bottom:16px;right:16px}
  .bkqz .launch.left{left:16px}
  .bkqz .shade{padding:0}
  .bkqz .dlg{width:100%;height:100vh;height:100dvh;border-radius:0}
  .bkqz .main{padding:4px 16px 16px}
  .bkqz .foot{padding:10px 16px calc(12px + env(safe-area-inset-bottom))}
  .bkqz h2{font-size:20px}
  .bkqz .cards,.bkqz .cards.c3{grid-template-columns:1fr 1fr;gap:10px}
  .bkqz .card .olabel{font-size:15px}
}
`;
