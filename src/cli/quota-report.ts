/**
 * `npm run orders -- quota`: where the month's LINE push budget stands, as plain text lines.
 * Pure: the CLI reads the figures (pushBudgetStatus, heldNotices) and prints these.
 */
import { formatTaiwanDateTime } from '../messages/copy';
import type { HeldNotice, PushBudgetStatus } from '../shop/push-budget';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

function lineFigures(s: PushBudgetStatus): string[] {
  const l = s.line;
  if (!l || l.fetchedAt === null) {
    return [
      `  plan limit (LINE)   not read yet${l?.lastError ? ` (last try failed: ${l.lastError})` : ' (the running shop reads it every 10 minutes)'}`,
      '  LINE consumption    -',
    ];
  }
  const limit = l.type === 'limited' ? `${l.value} messages a month` : 'none (no target limit set)';
  const stale = l.lastError ? `; last try failed: ${l.lastError}` : '';
  return [
    `  plan limit (LINE)   ${limit}  (read ${formatTaiwanDateTime(l.fetchedAt)}${stale})`,
    `  LINE consumption    ${l.usage === null ? '- (not read this month yet)' : `${l.usage} this month`}`,
  ];
}

export function quotaReport(s: PushBudgetStatus, held: HeldNotice[]): string[] {
  const out = [`LINE push quota, ${s.month} (Taiwan time)`, ...lineFigures(s)];
  out.push(`  shop's own count    ${s.counted} pushes this month${s.byKind.length > 0 ? ':' : ''}`);
  for (const k of s.byKind) out.push(`    ${pad(k.kind, 22)} ${k.pushes}`);
  if (s.budget === null) {
    out.push('  budget              unlimited (set LINE_PUSH_BUDGET, or LINE reports a limit)');
  } else {
    out.push(
      `  budget              ${s.budget} (${s.budgetSource})  used ${s.used}  left ${s.left}  low-ranked notices held from ${s.holdFrom}`,
    );
  }
  const state = s.monthlyLimitReached
    ? "MONTHLY LIMIT REACHED: LINE refuses pushes; every push is held for the customer's next reply"
    : s.nearlySpent
      ? "NEARLY SPENT: receipts, payment failures and store arrivals still go; other notices are held for the customer's next reply"
      : 'ok';
  out.push(`  status              ${state}`);
  for (const w of s.warnings) {
    out.push(
      `  warned              ${formatTaiwanDateTime(w.at)} ${w.level === 'nearly_spent' ? 'nearly spent' : 'monthly limit reached'} (${w.used}${w.budget === null ? '' : `/${w.budget}`})`,
    );
  }
  out.push(`  held notices        ${s.held}${s.held > held.length ? ` (first ${held.length} listed)` : ''}`);
  for (const h of held) {
    out.push(
      `    #${pad(String(h.outboxId), 7)} ${pad(h.kind, 20)} ${h.customer}  held ${formatTaiwanDateTime(h.heldAt)} (${h.reason === 'budget' ? 'budget' : 'LINE monthly limit'})${h.riding ? '  on its way in a reply' : ''}`,
    );
  }
  return out;
}
