// The pop-up's stylesheet, scoped under .bkpp because the shadow root is
// shared with the other widgets of the page. Every layout is position:fixed
// over the page, never in its flow, so showing one moves nothing (no layout
// shift): modal (centred over a shade), slide_in (a card in the bottom
// right corner), bar (across the bottom). The image keeps its box
// (aspect-ratio) before it loads. On a phone (≤ 480 px) the modal and the
// slide-in become a sheet along the bottom edge.

export const css = `
.bkpp{all:initial;display:block;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;
  -webkit-text-size-adjust:100%}
.bkpp *,.bkpp *::before,.bkpp *::after{box-sizing:border-box}
.bkpp [hidden]{display:none!important}
.bkpp button,.bkpp input{font:inherit;color:inherit;margin:0}
.bkpp :focus-visible{outline:3px solid var(--bk-strong);outline-offset:2px}
.bkpp h2:focus{outline:none}

.bkpp .shade{position:fixed;inset:0;z-index:4;background:rgba(17,24,39,.55);display:grid;place-items:center;padding:16px}
.bkpp .box{position:relative;background:#fff;color:#1f2328;box-shadow:0 20px 60px rgba(0,0,0,.3);overflow:auto;overscroll-behavior:contain}
.bkpp .modal .box{width:440px;max-width:100%;max-height:calc(100vh - 32px);border-radius:18px}
.bkpp .slide_in{position:fixed;z-index:4;right:20px;bottom:20px;width:360px;max-width:calc(100vw - 40px)}
.bkpp .slide_in .box{max-height:calc(100vh - 40px);border-radius:16px}
.bkpp .bar{position:fixed;z-index:4;left:0;right:0;bottom:0}
.bkpp .bar .box{max-height:60vh;box-shadow:0 -6px 24px rgba(0,0,0,.18);display:flex;align-items:center;flex-wrap:wrap;gap:8px 20px;
  padding:12px 64px 12px 20px;justify-content:center}
@media (prefers-reduced-motion:no-preference){.bkpp .box{animation:bkpp-in .18s ease-out}}
@keyframes bkpp-in{from{opacity:0;transform:translateY(12px)}to{opacity:1;transform:none}}

.bkpp .x{position:absolute;top:6px;right:6px;z-index:1;width:44px;height:44px;border:0;border-radius:50%;background:rgba(255,255,255,.85);
  cursor:pointer;display:grid;place-items:center;color:#4b5563}
.bkpp .x:hover{background:#f3f4f6}
.bkpp .x svg{width:24px;height:24px;fill:currentColor}
.bkpp .bar .x{top:50%;margin-top:-22px;right:8px}
.bkpp .x:focus-visible{outline-offset:-3px}
.bkpp .pic{display:block;width:100%;height:auto;max-height:260px;object-fit:cover;background:#f3f4f6}
.bkpp .in{padding:20px 24px 24px}
.bkpp .bar .in{display:contents}
.bkpp h2{margin:0 40px 6px 0;font-size:21px;line-height:1.25;font-weight:700;color:#111827;text-wrap:balance;overflow-wrap:break-word}
.bkpp .bar h2{margin:0;font-size:17px}
.bkpp .text{margin:0 0 16px;color:#4b5563;white-space:pre-line;overflow-wrap:break-word}
.bkpp .bar .text{margin:0}
.bkpp .in h2+.act{margin-top:14px}
.bkpp .bar .in h2+.act{margin-top:0}
.bkpp .primary{display:flex;align-items:center;justify-content:center;width:100%;min-height:48px;padding:12px 20px;border:0;border-radius:12px;
  background:var(--bk-strong);color:var(--bk-on-strong);font-weight:700;text-decoration:none;cursor:pointer;text-align:center}
.bkpp .primary:hover{filter:brightness(1.06)}
.bkpp .primary[aria-disabled=true]{opacity:.6;cursor:progress}
.bkpp .bar .primary{width:auto;min-height:44px}

.bkpp .code{display:flex;align-items:center;gap:8px;flex-wrap:wrap}
.bkpp .clabel{width:100%;margin:0;font-size:13px;font-weight:600;color:#6b7280;text-transform:uppercase;letter-spacing:.04em}
.bkpp .bar .clabel{width:auto}
.bkpp .cval{flex:1 1 100%;min-width:0;padding:10px 14px;border:2px dashed var(--bk-strong);border-radius:10px;font:700 20px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  letter-spacing:.06em;text-align:center;overflow-wrap:anywhere;user-select:all;-webkit-user-select:all}
.bkpp .bar .cval{flex:none;font-size:17px;padding:6px 12px}
.bkpp .bar .copy{flex:none;width:auto}
.bkpp .note{margin:0;color:#4b5563}

.bkpp .form{display:grid;gap:10px}
.bkpp .bar .form{display:flex;flex-wrap:wrap;align-items:flex-start;gap:8px}
.bkpp .field{display:grid;gap:4px;min-width:0}
.bkpp .bar .field{flex:1 1 160px}
.bkpp .bar .lbl{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
.bkpp .lbl{font-size:14px;font-weight:600;color:#374151}
.bkpp .txt{display:block;width:100%;min-height:46px;border:1px solid #8c959f;border-radius:10px;background:#fff;padding:10px 12px;font-size:16px}
.bkpp .txt:focus{border-color:var(--bk-strong)}
.bkpp .txt[aria-invalid=true]{border-color:#b42318}
.bkpp .err,.bkpp .formerr{margin:0;color:#b42318;font-size:14px}
.bkpp .err:empty,.bkpp .formerr:empty{display:none}
.bkpp .consent{display:flex;gap:10px;align-items:flex-start;font-size:13px;color:#4b5563;cursor:pointer}
.bkpp .consent input{flex:none;width:20px;height:20px;margin:1px 0 0;accent-color:var(--bk-strong)}
.bkpp .bar .consent{flex:1 1 100%}
.bkpp .policy{margin:0;font-size:13px}
.bkpp a{color:var(--bk-strong)}
.bkpp .hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.bkpp .ok{margin:0;padding:12px 14px;border-radius:12px;background:#ecfdf3;color:#05603a;font-weight:600}
.bkpp .ok:focus{outline:none}

@media (max-width:480px){
  .bkpp .shade{place-items:end stretch;padding:0}
  .bkpp .modal .box,.bkpp .slide_in .box{width:100%;max-height:88vh;border-radius:18px 18px 0 0}
  .bkpp .slide_in{left:0;right:0;bottom:0;width:auto;max-width:none}
  .bkpp .in{padding:18px 18px 22px}
  .bkpp .bar .box{justify-content:flex-start;padding:12px 56px 12px 16px}
  .bkpp .bar .x{top:6px;margin-top:0}
  .bkpp .pic{max-height:150px}
  .bkpp .bar .act,.bkpp .bar .form,.bkpp .bar .code{width:100%}
  .bkpp .bar .form .primary{flex:1 1 100%}
}
`;
