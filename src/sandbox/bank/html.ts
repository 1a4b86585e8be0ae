/** Small HTML helpers shared by the simulator's pages. */
import { CJK_FONT_FAMILY, cjkFontLinks } from '../../cjk-font';

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** NT$ with thousands separators, from the bank's ×100 amount. */
export function formatTwd(bankAmount: number): string {
  return `NT$ ${Math.floor(bankAmount / 100).toLocaleString('en-US')}`;
}

const STYLE = `
*{box-sizing:border-box}
button,input{font-family:inherit}
body{margin:0;background:#eef1f5;color:#1d2733;font:16px/1.5 -apple-system,"PingFang TC","Noto Sans CJK TC","Microsoft JhengHei",${CJK_FONT_FAMILY},sans-serif}
.top{background:#0b3d6e;color:#fff;padding:14px 18px;display:flex;align-items:center;gap:10px}
.logo{width:30px;height:30px;border-radius:7px;background:#f2b705;color:#0b3d6e;font-weight:800;display:flex;align-items:center;justify-content:center}
.top b{font-size:17px;letter-spacing:.5px}.top small{display:block;opacity:.75;font-size:12px}
.lock{margin-left:auto;font-size:12px;opacity:.85}
.sbx{background:#fff4d6;color:#7a5200;font-size:13px;padding:8px 18px;border-bottom:1px solid #f0dca4}
main{max-width:480px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,40,70,.12);padding:18px;margin-bottom:14px}
h1{font-size:18px;margin:0 0 12px}
dl{margin:0;display:grid;grid-template-columns:auto 1fr;gap:8px 12px;font-size:15px}
dt{color:#5b6b7c}dd{margin:0;text-align:right;word-break:break-all}
.amount{font-size:26px;font-weight:700;color:#0b3d6e;text-align:right;margin-top:10px;border-top:1px dashed #d3dae3;padding-top:10px}
.amount span{font-size:14px;color:#5b6b7c;font-weight:400;float:left;margin-top:10px}
label{display:block;font-size:14px;color:#3b4b5c;margin:12px 0 6px}
input{width:100%;font-size:18px;padding:12px;border:1px solid #c5cfda;border-radius:8px;background:#fbfcfe;font-family:ui-monospace,Menlo,Consolas,monospace}
input:focus{outline:none;border-color:#0b6fd0;box-shadow:0 0 0 3px rgba(11,111,208,.15)}
.row{display:flex;gap:12px}.row>div{flex:1}
button,.btn{display:block;width:100%;margin-top:18px;padding:14px;font-size:17px;font-weight:600;border:0;border-radius:8px;background:#0b6fd0;color:#fff;text-align:center;text-decoration:none;cursor:pointer}
.err{background:#fdecec;color:#a12020;border-radius:8px;padding:10px 12px;font-size:14px;margin-bottom:6px}
.note{font-size:13px;color:#5b6b7c}
.cards{font-size:13px;margin:8px 0 0;padding-left:18px}.cards code{font-size:13px}
.big{display:flex;justify-content:center;margin:6px 0 10px}.big svg{width:56px;height:56px}
.lock svg{width:12px;height:12px;vertical-align:-1px;margin-right:3px}
footer{text-align:center;font-size:12px;color:#8593a3;padding:8px 0 24px}
`;

/** A page in the simulated bank's look. */
export function bankPage(title: string, body: string, bankName: string): string {
  return `<!doctype html>
<html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}｜${escapeHtml(bankName)}</title>${cjkFontLinks()}<style>${STYLE}</style></head>
<body><header class="top"><div class="logo">Q</div><div><b>${escapeHtml(bankName)}</b><small>QPay 線上收款 · 信用卡付款</small></div><div class="lock">${ICONS.lock}安全連線</div></header>
<div class="sbx">測試環境：本頁由銀行模擬器提供，請勿輸入真實卡號。</div>
<main>${body}</main>
<footer>QPay Bank Simulator · 僅供開發測試使用</footer></body></html>`;
}

/**
 * Inline SVG icons: the pages must not depend on an emoji font (headless and minimal systems lack one).
 */
export const ICONS = {
  lock: '<svg viewBox="0 0 24 24" fill="currentColor" aria-hidden="true"><path d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 0 1 6 0v3z"/></svg>',
  ok: '<svg viewBox="0 0 48 48" aria-hidden="true"><circle cx="24" cy="24" r="22" fill="#1f9d55"/><path d="M14 25l7 7 13-15" stroke="#fff" stroke-width="4.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  warn: '<svg viewBox="0 0 48 48" aria-hidden="true"><circle cx="24" cy="24" r="22" fill="#d64545"/><path d="M24 13v14" stroke="#fff" stroke-width="4.5" stroke-linecap="round"/><circle cx="24" cy="34" r="2.8" fill="#fff"/></svg>',
  clock:
    '<svg viewBox="0 0 48 48" aria-hidden="true"><circle cx="24" cy="24" r="22" fill="#8a96a3"/><path d="M24 12v13l8 5" stroke="#fff" stroke-width="4.5" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  info: '<svg viewBox="0 0 48 48" aria-hidden="true"><circle cx="24" cy="24" r="22" fill="#0b6fd0"/><path d="M24 21v14" stroke="#fff" stroke-width="4.5" stroke-linecap="round"/><circle cx="24" cy="14" r="2.8" fill="#fff"/></svg>',
} as const;

export type IconName = keyof typeof ICONS;
