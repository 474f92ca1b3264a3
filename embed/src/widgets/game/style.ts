// The game's stylesheet, scoped under .bkgm because the shadow root is
// shared with the other widgets of the page. The launcher and the dialog
// are position:fixed, never in the page's flow (no layout shift); the wheel
// and the card keep their square / 16:10 box (aspect-ratio) from the first
// frame. On a phone (≤ 480 px) the dialog is a sheet along the bottom edge,
// of one height whatever it shows; on a desktop the dialog hangs from a
// fixed top. Either way the wheel never jumps when the form gives way to
// the result.
// The wheel turns only by a transition set after the server's answer, and
// not at all when the visitor asks for reduced motion.

export const css = `
.bkgm{all:initial;display:block;font:16px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#1f2328;-webkit-text-size-adjust:100%}
.bkgm *,.bkgm *::before,.bkgm *::after{box-sizing:border-box}
.bkgm [hidden]{display:none!important}
.bkgm button,.bkgm input{font:inherit;color:inherit;margin:0}
.bkgm :focus-visible{outline:3px solid var(--bk-strong);outline-offset:2px}
.bkgm h2:focus,.bkgm .res:focus{outline:none}
.bkgm .fab{position:fixed;z-index:2;left:20px;bottom:20px;translate:0 calc(0px - var(--bk-inset-bottom,0px));display:flex;align-items:center;gap:8px;
  min-height:52px;padding:0 20px 0 16px;border:0;border-radius:26px;background:var(--bk-strong);color:var(--bk-on-strong);font-weight:700;cursor:pointer;
  box-shadow:0 6px 20px rgba(0,0,0,.25)}
.bkgm .fab.bottom-right{left:auto;right:20px}
.bkgm .fab.right{left:auto;right:0;top:50%;bottom:auto;translate:0 -50%;writing-mode:vertical-rl;padding:16px 0 20px;min-height:0;width:48px;
  justify-content:center;border-radius:14px 0 0 14px}
.bkgm .fab.right svg{rotate:90deg}
.bkgm .fab svg{width:24px;height:24px;fill:currentColor}
.bkgm .fab:focus-visible{outline:3px solid #111827;outline-offset:3px}
.bkgm .shade{position:fixed;inset:0;z-index:4;background:rgba(17,24,39,.55);display:grid;place-items:start center;padding:max(16px,5vh) 16px 16px}
.bkgm .box{position:relative;width:460px;max-width:100%;max-height:calc(100vh - 32px);overflow:auto;overscroll-behavior:contain;background:#fff;
  border-radius:18px;box-shadow:0 20px 60px rgba(0,0,0,.3);padding:20px 24px 22px}
.bkgm .x{position:absolute;top:6px;right:6px;z-index:1;width:44px;height:44px;border:0;border-radius:50%;background:rgba(255,255,255,.85);cursor:pointer;
  display:grid;place-items:center;color:#4b5563}
.bkgm .x svg{width:24px;height:24px;fill:currentColor}
.bkgm h2{margin:0 40px 6px 0;font-size:21px;line-height:1.25;font-weight:700;color:#111827;text-wrap:balance;overflow-wrap:break-word}
.bkgm .text{margin:0 0 12px;color:#4b5563;white-space:pre-line;overflow-wrap:break-word}
.bkgm .stage{position:relative;margin:22px auto 14px;width:100%;max-width:280px}
.bkgm .stage.wide{max-width:340px}
.bkgm .wheel{position:relative;width:100%;aspect-ratio:1}
.bkgm .disc{width:100%;height:100%;border-radius:50%;box-shadow:0 0 0 6px var(--bk-strong),0 8px 24px rgba(0,0,0,.2);transform:rotate(0deg)}
.bkgm .disc.turn{transition:transform 4.2s cubic-bezier(.12,.7,.14,1)}
.bkgm .disc svg{display:block;width:100%;height:100%}
.bkgm .disc text{font:700 9.5px/1 system-ui,sans-serif;fill:#1f2328}
.bkgm .ptr{position:absolute;left:50%;top:-10px;width:0;height:0;margin-left:-13px;border:13px solid transparent;border-top:24px solid #111827;border-bottom:0;
  filter:drop-shadow(0 2px 2px rgba(0,0,0,.3))}
.bkgm .hub{position:absolute;left:50%;top:50%;width:16%;aspect-ratio:1;translate:-50% -50%;border-radius:50%;background:#fff;box-shadow:0 0 0 4px var(--bk-strong)}
.bkgm .card{position:relative;width:100%;aspect-ratio:16/10;border-radius:14px;overflow:hidden;background:#fff7ed;border:2px dashed var(--bk-strong);
  display:grid;place-items:center;text-align:center;padding:12px}
.bkgm .under{font-size:24px;font-weight:800;color:#111827;overflow-wrap:anywhere}
.bkgm .cover{position:absolute;inset:0;width:100%;height:100%;touch-action:none;cursor:crosshair}
.bkgm .hint{margin:0 0 10px;font-size:14px;color:#4b5563;text-align:center}
.bkgm .primary{display:flex;align-items:center;justify-content:center;width:100%;min-height:48px;padding:12px 20px;border:0;border-radius:12px;
  background:var(--bk-strong);color:var(--bk-on-strong);font-weight:700;cursor:pointer;text-align:center}
.bkgm .primary[aria-disabled=true]{opacity:.6;cursor:progress}
.bkgm .form{display:grid;gap:10px}
.bkgm .field{display:grid;gap:4px;min-width:0}
.bkgm .lbl{font-size:14px;font-weight:600;color:#374151}
.bkgm .txt{display:block;width:100%;min-height:46px;border:1px solid #8c959f;border-radius:10px;background:#fff;padding:10px 12px;font-size:16px}
.bkgm .txt:focus{border-color:var(--bk-strong)}
.bkgm .txt[aria-invalid=true]{border-color:#b42318}
.bkgm .err,.bkgm .formerr{margin:0;color:#b42318;font-size:14px}
.bkgm .err:empty,.bkgm .formerr:empty{display:none}
.bkgm .consent{display:flex;gap:10px;align-items:flex-start;font-size:13px;color:#4b5563;cursor:pointer}
.bkgm .consent input{flex:none;width:20px;height:20px;margin:1px 0 0;accent-color:var(--bk-strong)}
.bkgm .policy{margin:0;font-size:13px}
.bkgm a{color:var(--bk-strong)}
.bkgm .hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
.bkgm .res{margin:0 0 12px;padding:12px 14px;border-radius:12px;background:#f3f4f6;color:#111827;font-weight:700;text-align:center}
.bkgm .res.win{background:#ecfdf3;color:#05603a}
.bkgm .already{margin:0 0 8px;color:#4b5563;font-size:14px;text-align:center}
.bkgm .code{display:flex;align-items:center;gap:8px;flex-wrap:wrap;margin-bottom:12px}
.bkgm .clabel{width:100%;margin:0;font-size:13px;font-weight:600;color:#6b7280;text-transform:uppercase;letter-spacing:.04em}
.bkgm .cval{flex:1 1 100%;min-width:0;padding:10px 14px;border:2px dashed var(--bk-strong);border-radius:10px;font:700 20px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
  letter-spacing:.06em;text-align:center;overflow-wrap:anywhere;user-select:all;-webkit-user-select:all}
.bkgm .note{margin:0 0 12px;color:#4b5563}
.bkgm .link{display:block;margin:12px auto 0;padding:8px;border:0;background:none;color:var(--bk-strong);text-decoration:underline;cursor:pointer;font-size:14px;min-height:44px}
.bkgm table{width:100%;border-collapse:collapse;font-size:14px;margin-top:6px}
.bkgm caption{text-align:left;font-weight:700;margin-bottom:4px}
.bkgm th,.bkgm td{padding:6px 4px;border-bottom:1px solid #e5e7eb;text-align:left;overflow-wrap:anywhere}
.bkgm td.n{text-align:right;white-space:nowrap}
.bkgm .small{margin:6px 0 0;font-size:12px;color:#6b7280}
.bkgm .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
@media (max-width:480px){
  .bkgm .shade{place-items:end stretch;padding:0}
  .bkgm .box{width:100%;height:92vh;max-height:none;border-radius:18px 18px 0 0;padding:16px 16px 20px}
  .bkgm .stage{max-width:210px;margin-bottom:10px}
  .bkgm .stage.wide{max-width:none}
  .bkgm .fab{left:12px;bottom:12px}
  .bkgm .fab.bottom-right{left:auto;right:12px}
  .bkgm .fab.right{left:auto;right:0;bottom:auto}
}
`;
