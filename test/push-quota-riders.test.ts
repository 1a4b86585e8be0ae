/**
 * Held notices riding on the customer's next reply (LINE push quota, issue 14): at most 5
 * messages, oldest first; held again when the reply fails; never pushed on a reply's back; a
 * notice LINE refuses inside a reply does not take the answer with it.
 */
import { pushBudgetStatus } from '../src/shop/push-budget';
import { newUser } from './checkout/helpers';
import { dialects } from './support/databases';
import { quotaHelpers, quotaTestNow, startQuotaShop } from './support/quota-shop';
import type { RecordingLogger } from './support/recording-logger';
import type { TestShop } from './support/shop-harness';

describe.each(dialects)('held notices riding on replies on %s', (dialect) => {
  let shop: TestShop;
  let clock: number;
  let log: RecordingLogger;
  const { db, notice, row, pushes, replies, texts, customerWrites } = quotaHelpers(
    () => shop,
    () => clock,
  );

  async function start(env: Record<string, string> = {}) {
    ({ shop, log } = await startQuotaShop(dialect, () => clock, env));
  }
  afterEach(async () => {
    await shop?.close();
  });

  it('fits held notices into the 5 messages of a reply, oldest first; the rest wait for the next one', async () => {
    clock = quotaTestNow();
    await start({ LINE_PUSH_BUDGET: '0' });
    const user = newUser();
    for (let i = 1; i <= 6; i++) await notice(user, 'shipped', `held ${i}`);
    await shop.runtime.outboxSender.tick();
    expect(pushes()).toHaveLength(0);
    const first = texts(await customerWrites(user));
    expect(first).toHaveLength(5);
    const own = first.filter((t) => !t.startsWith('held '));
    const carried = first.length - own.length;
    expect(first.slice(0, carried)).toEqual(Array.from({ length: carried }, (_, i) => `held ${i + 1}`));
    expect((await pushBudgetStatus(db(), 0, clock)).held).toBe(6 - carried);
    clock += 60_000;
    const second = texts(await customerWrites(user));
    expect(second[0]).toBe(`held ${carried + 1}`);
  });

  it('a held notice whose reply fails is held again, not lost', async () => {
    clock = quotaTestNow();
    await start({ LINE_PUSH_BUDGET: '0' });
    const user = newUser();
    await notice(user, 'shipped', 'held once');
    await shop.runtime.outboxSender.tick();
    shop.sim.failNext('/v2/bot/message/reply', { status: 500, times: 1 });
    await customerWrites(user);
    expect(await row('held once')).toMatchObject({ status: 'pending', carried_by: null, held_reason: 'budget' });
    clock += 60_000;
    const next = texts(await customerWrites(user));
    expect(next[0]).toBe('held once');
    expect(await row('held once')).toMatchObject({ status: 'sent', sent_by: 'reply' });
  });

  it('a held notice LINE refuses inside a reply becomes a dead letter; the answer still goes', async () => {
    clock = quotaTestNow();
    await start({ LINE_PUSH_BUDGET: '0' });
    const user = newUser();
    await notice(user, 'shipped', 'refused rider');
    await shop.runtime.outboxSender.tick();
    shop.sim.failNext('/v2/bot/message/reply', {
      status: 400,
      body: {
        message: 'A message (messages[0]) in the request body is invalid',
        details: [{ message: 'invalid property', property: '/text' }],
      },
      times: 1,
    });
    const reply = await customerWrites(user);
    expect(replies().map((c) => c.status)).toEqual([400, 200]);
    expect(texts(reply)).not.toContain('refused rider');
    expect(await row('refused rider')).toMatchObject({ status: 'dead', carried_by: null });
    expect((await row('refused rider')).last_error).toContain('refused inside a reply: LINE 400');
    expect(log.entries.filter((e) => e.msg?.startsWith('DEAD LETTER: held messages'))).toHaveLength(1);
  });

  it('never turns a held notice into a push: a reply that has to be pushed (token gone stale) leaves its riders held', async () => {
    clock = quotaTestNow();
    await start({ LINE_PUSH_BUDGET: '0' });
    const user = newUser();
    await notice(user, 'shipped', 'still held');
    await shop.runtime.outboxSender.tick();
    await shop.sim.sendText(user, '商品');
    // The shop got to the event only after the reply token's window.
    clock += 60_000;
    await shop.runtime.eventWorker.tick();
    expect(replies()).toHaveLength(0);
    expect(pushes().flatMap(texts)).not.toContain('still held');
    expect(pushes()).toHaveLength(1);
    expect(await row('still held')).toMatchObject({ status: 'pending', carried_by: null, held_reason: 'budget' });
    expect((await pushBudgetStatus(db(), 0, clock)).byKind).toEqual([{ kind: 'reply', pushes: 1 }]);
  });
});
