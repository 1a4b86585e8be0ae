/** HTML escaping for the auto-submitting forms (every value may come from a person or from ECPay). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export interface BrowserForm {
  /** Absolute URL the browser POSTs to. */
  action: string;
  fields: Record<string, string>;
}

/**
 * A page that POSTs `form` at once (form-urlencoded, UTF-8), with a button for browsers that run
 * no script. `title` is shown meanwhile.
 */
export function autoSubmitHtml(form: BrowserForm, title = '前往選擇門市…'): string {
  const inputs = Object.entries(form.fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-TW"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title></head>
<body style="font-family:sans-serif;text-align:center;padding:40px 16px">
<form id="f" method="post" action="${escapeHtml(form.action)}" accept-charset="UTF-8">
${inputs}
<p>${escapeHtml(title)}</p><noscript><button type="submit">繼續</button></noscript>
</form>
<script>document.getElementById('f').submit();</script>
</body></html>`;
}
