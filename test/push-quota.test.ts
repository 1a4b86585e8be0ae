/**
 * The LINE push quota (issue 14), through the whole shop and the LINE simulator over HTTP:
 * pushes counted per Taiwan month and kind, LINE's quota endpoints, the budget holding low-ranked
 * notices until they ride on the customer's next reply, and LINE's 429 monthly limit. How held
 * notices ride on replies in detail: push-quota-riders.test.ts.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { markSent } from '../src/line/outbox-repository';
import { countPushes, lineQuota, pushCountsOf, pushWarningsOf } from '../src/line/push-quota-repository';
import { taiwanMonth } from '../src/line/taiwan-month';
import { createPushBudget, pushBudgetStatus } from '../src/shop/push-budget';
import { newUser } from './checkout/helpers';
import { dialects } from './support/databases';
import { quotaHelpers, quotaTestNow, startQuotaShop } from './support/quota-shop';
import type { RecordingLogger } from './support/recording-logger';
import type { TestShop } from './support/shop-harness';

/** Taiwan 2026-11-30 23:59:00 (UTC+8): one minute before December begins there. */
const LAST_MINUTE_OF_NOVEMBER = Date.UTC(2026, 10, 30, 15, 59, 0);

describe.each(dialects)('LINE push quota on %s', (dialect) => {
  let shop: TestShop;
  let clock: number;
  let log: RecordingLogger;
  const { db, notice, row, quotaCalls, pushes, replies, texts, customerWrites } = quotaHelpers(
    () => shop,
    () => clock,
  );

  async function start(env: Record<string, string> = {}) {
    ({ shop, log } = await startQuotaShop(dialect, () => clock, env));
  }
  afterEach(async () => {
    await shop?.close();
  });

  it('counts delivered pushes by kind per Taiwan calendar month; replies are free and not counted', async () => {
    clock = LAST_MINUTE_OF_NOVEMBER;
    await start();
    const user = newUser();
    await notice(user, 'receipt', 'r1');
    await notice(user, 'receipt', 'r2');
    await notice(user, 'shipped', 's1');
    await shop.runtime.outboxSender.tick();
    // 00:00 on 1 December in Taiwan is still 30 November in UTC.
    clock = Date.UTC(2026, 10, 30, 16, 0, 0);
    await notice(user, 'receipt', 'r3');
    await shop.runtime.outboxSender.tick();
    await customerWrites(user);
    expect(replies()).toHaveLength(1);

    expect(taiwanMonth(LAST_MINUTE_OF_NOVEMBER)).toBe('2026-11');
    expect(taiwanMonth(clock)).toBe('2026-12');
    expect(await pushCountsOf(db(), '2026-11')).toEqual([
      { kind: 'receipt', pushes: 2 },
      { kind: 'shipped', pushes: 1 },
    ]);
    expect(await pushCountsOf(db(), '2026-12')).toEqual([{ kind: 'receipt', pushes: 1 }]);
    // LINE (the simulator) counts the same way: December has one push so far.
    expect(shop.sim.pushesThisMonth()).toBe(1);
    // A delivery recorded twice (another instance got there first) is counted once.
    expect(await markSent(db(), [(await row('r3')).id], 'push', clock)).toEqual([]);
    expect((await pushBudgetStatus(db(), undefined, clock)).counted).toBe(1);
  });

  it('reads LINE’s quota and consumption through the simulator over HTTP, one instance at a time', async () => {
    clock = quotaTestNow();
    await start();
    // No target limit: type none.
    await shop.runtime.quotaRefresher.tick();
    expect(await lineQuota(db())).toMatchObject({ quota_type: 'none', quota_value: null, total_usage: 0 });
    expect(shop.sim.callsTo('/v2/bot/message/quota/consumption')).toHaveLength(1);
    // Not due again for ten minutes, on this instance or another.
    const other = await shop.startAnotherInstance({ startJobs: false });
    await other.runtime.quotaRefresher.tick();
    await shop.runtime.quotaRefresher.tick();
    expect(quotaCalls()).toHaveLength(1);

    shop.sim.setPushQuota(200, 150);
    clock += 10 * 60_000;
    await other.runtime.quotaRefresher.tick();
    const quota = quotaCalls()[1];
    expect(quota?.headers.authorization).toBe('Bearer test-channel-access-token');
    expect(quota?.response).toEqual({ type: 'limited', value: 200 });
    expect(await lineQuota(db())).toMatchObject({
      quota_type: 'limited',
      quota_value: 200,
      total_usage: 150,
      month: taiwanMonth(clock),
      fetched_at: clock,
      last_error: null,
    });
    // Without LINE_PUSH_BUDGET the budget is LINE's quota; LINE's count is used when it is higher.
    const s = await pushBudgetStatus(db(), undefined, clock);
    expect(s).toMatchObject({ budget: 200, budgetSource: 'LINE quota', used: 150, left: 50, holdFrom: 180 });
    expect(s.nearlySpent).toBe(false);
    expect(log.entries.filter((e) => e.level === 'warn')).toHaveLength(0);
    // LINE's own count alone crosses the line (pushes sent by other tools): the merchant is warned.
    shop.sim.setPushQuota(200, 185);
    clock += 10 * 60_000;
    await shop.runtime.quotaRefresher.tick();
    const warned = log.entries.filter((e) => e.level === 'warn' && /nearly spent/.test(e.msg ?? ''));
    expect(warned.map((w) => w.obj)).toEqual([expect.objectContaining({ used: 185, budget: 200 })]);

    // LINE unreachable: the old figures stay, the failure is kept, and it is tried again later.
    shop.sim.failNext('/v2/bot/message/quota', { status: 500, times: 2 });
    clock += 10 * 60_000;
    await shop.runtime.quotaRefresher.tick();
    expect(await lineQuota(db())).toMatchObject({ quota_value: 200, total_usage: 185 });
    expect((await lineQuota(db()))?.last_error).toContain('500');
  });

  it('holds a low-ranked notice once the budget is nearly spent, still pushes a receipt, and delivers the held one inside the next reply', async () => {
    clock = quotaTestNow();
    await start({ LINE_PUSH_BUDGET: '10' });
    const user = newUser();
    // 8 of 10 pushed: under the threshold (10 − ⌈10/10⌉ = 9), a shipped notice still goes.
    await countPushes(db(), taiwanMonth(clock), Array(8).fill('receipt'));
    await notice(user, 'shipped', 'shipped A-1');
    await shop.runtime.outboxSender.tick();
    expect(pushes()).toHaveLength(1);

    // That push was the 9th: nearly spent. The merchant is warned once, with a stored flag.
    let warns = log.entries.filter((e) => e.level === 'warn' && /nearly spent/.test(e.msg ?? ''));
    expect(warns).toHaveLength(1);
    expect(warns[0]?.obj).toMatchObject({ used: 9, budget: 10, budgetSource: 'LINE_PUSH_BUDGET' });
    expect(await pushWarningsOf(db(), taiwanMonth(clock))).toMatchObject([
      { level: 'nearly_spent', used: 9, budget: 10 },
    ]);

    await notice(user, 'shipped', 'shipped A-2');
    await notice(user, 'pickup_reminder', 'reminder A-3');
    await notice(user, 'receipt', 'receipt B-1');
    await shop.runtime.outboxSender.tick();
    // The receipt is pushed; the others are held (not sent, not dead, not retried).
    expect(pushes().map(texts)).toEqual([['shipped A-1'], ['receipt B-1']]);
    expect(await row('shipped A-2')).toMatchObject({ status: 'pending', held_reason: 'budget', carried_by: null });
    expect(await row('reminder A-3')).toMatchObject({ status: 'pending', held_reason: 'budget' });
    expect((await row('shipped A-2')).held_at).toBe(clock);
    clock += 60 * 60_000;
    expect(await shop.runtime.outboxSender.tick()).toBe(false);
    expect(pushes()).toHaveLength(2);
    warns = log.entries.filter((e) => e.level === 'warn' && /nearly spent/.test(e.msg ?? ''));
    expect(warns).toHaveLength(1);
    const status = await pushBudgetStatus(db(), 10, clock);
    expect(status).toMatchObject({ used: 10, left: 0, nearlySpent: true, held: 2 });
    // Visible to monitoring too: held apart from the pending backlog.
    const metrics = await (await fetch(`${shop.url}/metrics`)).text();
    expect(metrics).toContain('line_shop_outbox_messages{status="held"} 2');
    expect(metrics).toContain('line_shop_outbox_messages{status="pending"} 0');
    expect(status.byKind).toEqual([
      { kind: 'receipt', pushes: 9 },
      { kind: 'shipped', pushes: 1 },
    ]);

    // The customer writes: the held notices come first in the (free) reply, oldest first, then the answer.
    const reply = await customerWrites(user);
    expect(reply.status).toBe(200);
    const got = texts(reply);
    expect(got.slice(0, 2)).toEqual(['shipped A-2', 'reminder A-3']);
    expect(got.length).toBeGreaterThan(2);
    expect(got.length).toBeLessThanOrEqual(5);
    expect(await row('shipped A-2')).toMatchObject({ status: 'sent', sent_by: 'reply', carried_by: null });
    expect(await row('reminder A-3')).toMatchObject({ status: 'sent', sent_by: 'reply' });
    expect(pushes()).toHaveLength(2);
    expect((await pushBudgetStatus(db(), 10, clock)).held).toBe(0);
  });

  it("tells a warning hook (for the console's LINE alert) once per month and level", async () => {
    clock = quotaTestNow();
    await start();
    const seen: string[] = [];
    const gate = createPushBudget({
      db: db(),
      configuredBudget: 0,
      logger: log,
      onWarning: (level, s) => {
        seen.push(`${level} ${s.used}/${s.budget}`);
      },
    });
    expect(await gate.mayPush('receipt', clock)).toBe(true);
    expect(seen).toEqual([]);
    expect(await gate.mayPush('shipped', clock)).toBe(false);
    expect(await gate.mayPush('pickup_reminder', clock)).toBe(false);
    await gate.monthlyLimitReached(clock);
    await gate.monthlyLimitReached(clock);
    expect(seen).toEqual(['nearly_spent 0/0', 'monthly_limit 0/0']);
  });

  it('LINE’s 429 "monthly limit" holds the push (no retries); a rate-limit 429 is retried; the held receipt rides on the next reply', async () => {
    clock = quotaTestNow();
    await start();
    const user = newUser();
    shop.sim.setPushQuota(3, 3);
    await notice(user, 'receipt', 'receipt C-1');
    await shop.runtime.outboxSender.tick();
    const refused = pushes()[0];
    expect(refused?.status).toBe(429);
    expect(refused?.response).toEqual({ message: 'You have reached your monthly limit.' });
    expect(await row('receipt C-1')).toMatchObject({
      status: 'pending',
      held_reason: 'monthly_limit',
      attempts: 1,
    });
    expect((await row('receipt C-1')).last_error).toContain('monthly limit');
    const warns = log.entries.filter((e) => e.level === 'warn' && /monthly limit/.test(e.msg ?? ''));
    expect(warns).toHaveLength(1);
    expect((await pushBudgetStatus(db(), undefined, clock)).monthlyLimitReached).toBe(true);
    // Not retried: a day later nothing has been tried again.
    clock += 86_400_000;
    expect(await shop.runtime.outboxSender.tick()).toBe(false);
    expect(pushes()).toHaveLength(1);
    // While LINE refuses, lower-ranked notices are held without asking LINE.
    await notice(user, 'shipped', 'shipped C-2');
    await shop.runtime.outboxSender.tick();
    expect(pushes()).toHaveLength(1);
    expect(await row('shipped C-2')).toMatchObject({ held_reason: 'budget' });

    // The rate limit's 429 (another message) is an ordinary retry.
    shop.sim.setPushQuota(undefined);
    const other = newUser();
    await notice(other, 'receipt', 'receipt D-1');
    shop.sim.failNext('/v2/bot/message/push', { status: 429, times: 1 });
    await shop.runtime.outboxSender.tick();
    expect(await row('receipt D-1')).toMatchObject({ status: 'pending', held_at: null, attempts: 1 });

    // The customer writes: the receipt and the shipped notice arrive with the reply, free.
    shop.sim.setPushQuota(3);
    const reply = texts(await customerWrites(user));
    expect(reply.slice(0, 2)).toEqual(['receipt C-1', 'shipped C-2']);
    expect(await row('receipt C-1')).toMatchObject({ status: 'sent', sent_by: 'reply' });
  });

  it('when a new Taiwan month begins, what LINE refused for the limit goes out again; budget-held notices keep waiting for a reply', async () => {
    clock = LAST_MINUTE_OF_NOVEMBER;
    await start({ LINE_PUSH_BUDGET: '5' });
    const user = newUser();
    await countPushes(db(), '2026-11', Array(5).fill('receipt'));
    shop.sim.setPushQuota(5, 5);
    await notice(user, 'shipped', 'shipped in November');
    await notice(user, 'receipt', 'receipt in November');
    await shop.runtime.outboxSender.tick();
    expect(await row('shipped in November')).toMatchObject({ held_reason: 'budget' });
    expect(await row('receipt in November')).toMatchObject({ held_reason: 'monthly_limit' });
    await shop.runtime.quotaRefresher.tick();
    expect(await row('receipt in November')).toMatchObject({ held_reason: 'monthly_limit' });
    // 00:00 on 1 December, Taiwan time: LINE's new month has room.
    clock += 60_000;
    await shop.runtime.quotaRefresher.tick();
    expect(await row('receipt in November')).toMatchObject({ held_at: null, status: 'pending' });
    expect(await row('shipped in November')).toMatchObject({ held_reason: 'budget' });
    await shop.runtime.outboxSender.tick();
    expect(await row('receipt in November')).toMatchObject({ status: 'sent', sent_by: 'push' });
    expect(await pushCountsOf(db(), '2026-12')).toEqual([{ kind: 'receipt', pushes: 1 }]);
    expect(await row('shipped in November')).toMatchObject({ status: 'pending', held_reason: 'budget' });
  });

  it('npm run orders -- quota shows the plan limit, LINE’s consumption, the count by kind, the budget and held notices', async () => {
    // Real time: the CLI reads its own clock (month, release time) and must agree with the shop's.
    clock = Date.now();
    await start();
    shop.sim.setPushQuota(200, 181);
    await shop.runtime.quotaRefresher.tick();
    const user = newUser();
    await countPushes(db(), taiwanMonth(clock), [...Array(170).fill('receipt'), ...Array(11).fill('shipped')]);
    await notice(user, 'shipped', 'shipped E-1');
    await shop.runtime.outboxSender.tick();
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'src/cli/orders.ts', 'quota'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: shop.database.url, LOG_LEVEL: 'silent' },
    });
    const id = (await row('shipped E-1')).id;
    expect(stdout).toContain(`LINE push quota, ${taiwanMonth(clock)} (Taiwan time)`);
    expect(stdout).toMatch(/plan limit \(LINE\)\s+200 messages a month/);
    expect(stdout).toMatch(/LINE consumption\s+181 this month/);
    expect(stdout).toMatch(/shop's own count\s+181 pushes this month:/);
    expect(stdout).toMatch(/receipt\s+170/);
    expect(stdout).toMatch(/shipped\s+11/);
    expect(stdout).toContain(
      'budget              200 (LINE quota)  used 181  left 19  low-ranked notices held from 180',
    );
    expect(stdout).toContain('NEARLY SPENT');
    expect(stdout).toMatch(/warned\s+.* nearly spent \(181\/200\)/);
    expect(stdout).toMatch(/held notices\s+1/);
    expect(stdout).toMatch(
      new RegExp(`#${id}\\s+shipped\\s+${user.slice(0, 5)}…${user.slice(-4)}\\s+held .* \\(budget\\)`),
    );
    expect(stdout).not.toContain(user);

    // The merchant lets held notices go again (say after a plan upgrade): the budget decides afresh.
    const release = await promisify(execFile)('npx', ['tsx', 'src/cli/orders.ts', 'quota', 'release'], {
      cwd: join(__dirname, '..'),
      env: { ...process.env, DATABASE_URL: shop.database.url, LOG_LEVEL: 'silent' },
    });
    expect(release.stdout).toMatch(/^1 held message\(s\) go out again/);
    expect(await row('shipped E-1')).toMatchObject({ held_at: null, status: 'pending' });
    shop.sim.setPushQuota(1000);
    await shop.runtime.quotaRefresher.tick();
    clock += 10 * 60_000;
    await shop.runtime.quotaRefresher.tick();
    await shop.runtime.outboxSender.tick();
    expect(await row('shipped E-1')).toMatchObject({ status: 'sent', sent_by: 'push' });
  }, 60_000);
});
