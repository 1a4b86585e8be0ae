/** The push budget's rules as pure functions: ranks, the "nearly spent" line, riders, Taiwan months, the report. */
import { quotaReport } from '../src/cli/quota-report';
import type { OutboxRow } from '../src/db/types';
import { ridersThatFit } from '../src/line/push-gate';
import { taiwanMonth, taiwanMonthStart } from '../src/line/taiwan-month';
import { NOTICE_DELIVERY } from '../src/shop/notices';
import { holdFrom, type PushBudgetStatus, pushRankOf } from '../src/shop/push-budget';

describe('push budget rules', () => {
  it('ranks money and what the customer must act on as always; progress news waits', () => {
    for (const k of ['receipt', 'payment_failed', 'store_arrival', 'order_confirmation', 'pay_link', 'refund']) {
      expect([k, pushRankOf(k)]).toEqual([k, 'always']);
    }
    for (const k of ['shipped', 'pickup_reminder', 'completed', 'returned', 'expired']) {
      expect([k, pushRankOf(k)]).toEqual([k, 'when_budget_allows']);
    }
    // Not notices: the answer to a tap (pushed only when its token went stale), apologies, merchant alerts.
    expect(['reply', 'apology', 'alert'].map(pushRankOf)).toEqual(['always', 'always', 'always']);
    // A kind nobody declared is never held by surprise.
    expect(pushRankOf('something_new')).toBe('always');
  });

  it("lets only the notices caused by the customer's own tap ride on the order's reply token", () => {
    const tap = Object.entries(NOTICE_DELIVERY)
      .filter(([, d]) => d.answersTap)
      .map(([k]) => k)
      .sort();
    expect(tap).toEqual(['order_failed', 'pay_link', 'pay_link_failed']);
  });

  it('calls the budget nearly spent from the last tenth on (rounded up)', () => {
    expect(holdFrom(200)).toBe(180);
    expect(holdFrom(1000)).toBe(900);
    expect(holdFrom(10)).toBe(9);
    expect(holdFrom(5)).toBe(4);
    expect(holdFrom(1)).toBe(0);
    expect(holdFrom(0)).toBe(0);
  });

  it('fits whole held notices beside a reply, oldest first, stopping at the first that does not fit', () => {
    const held = (n: number, id: number) =>
      ({ id, messages: JSON.stringify(Array(n).fill({ type: 'text' })) }) as OutboxRow;
    const rows = [held(1, 1), held(2, 2), held(1, 3), held(1, 4)];
    expect(ridersThatFit(rows, 1).map((r) => r.id)).toEqual([1, 2, 3]);
    expect(ridersThatFit(rows, 2).map((r) => r.id)).toEqual([1, 2]);
    // The second does not fit beside 3 messages: the third waits too, so they arrive in order.
    expect(ridersThatFit(rows, 3).map((r) => r.id)).toEqual([1]);
    expect(ridersThatFit(rows, 5)).toEqual([]);
  });

  it('counts months in Taiwan time (UTC+8)', () => {
    expect(taiwanMonth(Date.UTC(2026, 10, 30, 15, 59, 59, 999))).toBe('2026-11');
    expect(taiwanMonth(Date.UTC(2026, 10, 30, 16, 0, 0))).toBe('2026-12');
    expect(taiwanMonth(Date.UTC(2026, 11, 31, 16, 0, 0))).toBe('2027-01');
    expect(taiwanMonthStart('2026-12')).toBe(Date.UTC(2026, 10, 30, 16, 0, 0));
    expect(taiwanMonthStart('2027-01')).toBe(Date.UTC(2026, 11, 31, 16, 0, 0));
  });

  it("reports an unlimited budget, LINE not read yet, and LINE's monthly limit plainly", () => {
    const base: PushBudgetStatus = {
      month: '2026-11',
      byKind: [],
      counted: 0,
      line: undefined,
      budget: null,
      budgetSource: 'unlimited',
      used: 0,
      left: null,
      holdFrom: null,
      nearlySpent: false,
      monthlyLimitReached: false,
      held: 0,
      warnings: [],
    };
    const plain = quotaReport(base, []).join('\n');
    expect(plain).toContain('plan limit (LINE)   not read yet');
    expect(plain).toContain('budget              unlimited');
    expect(plain).toMatch(/status\s+ok/);
    expect(plain).toMatch(/held notices\s+0/);
    const limit = quotaReport(
      {
        ...base,
        monthlyLimitReached: true,
        held: 2,
        line: { type: 'limited', value: 200, usage: 200, fetchedAt: Date.UTC(2026, 10, 20, 2), lastError: null },
      },
      [
        {
          outboxId: 7,
          kind: 'receipt',
          customer: 'U1234…abcd',
          heldAt: Date.UTC(2026, 10, 20, 3),
          reason: 'monthly_limit',
          riding: true,
        },
      ],
    ).join('\n');
    expect(limit).toContain('200 messages a month  (read 2026/11/20 10:00)');
    expect(limit).toContain('LINE consumption    200 this month');
    expect(limit).toContain('MONTHLY LIMIT REACHED');
    expect(limit).toContain('held notices        2 (first 1 listed)');
    expect(limit).toMatch(
      /#7\s+receipt\s+U1234…abcd\s+held 2026\/11\/20 11:00 \(LINE monthly limit\)\s+on its way in a reply/,
    );
  });
});
