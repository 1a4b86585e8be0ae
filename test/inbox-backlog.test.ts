/**
 * The webhook's pacing counts the events the worker still has to handle (issue 17): the count
 * rises with each stored event and falls as the event worker handles them, back to zero when the
 * inbox is empty, so acknowledging slows only while the shop is really behind.
 */
import { encodePostback } from '../src/messages/postback';
import { dialects } from './support/databases';
import { recordingLogger } from './support/recording-logger';
import { startTestShop, type TestShop } from './support/shop-harness';

describe.each(dialects)('inbox backlog on %s', (dialect) => {
  let shop: TestShop;
  beforeEach(async () => {
    shop = await startTestShop(dialect, { startJobs: false });
  });
  afterEach(async () => {
    await shop.close();
  });

  it('counts stored events until the worker has handled them', async () => {
    const users = ['U0000000000000000000000000000b001', 'U0000000000000000000000000000b002'];
    for (const u of users) await shop.sim.postback(u, encodePostback({ action: 'add', productId: 1 }));
    expect(shop.runtime.inbox.backlog).toBe(2);
    while (await shop.runtime.eventWorker.tick()) {}
    expect(shop.runtime.inbox.backlog).toBe(0);
    for (const u of users) expect(shop.sim.botMessages(u).length).toBeGreaterThan(0);
  });
});

describe.each(dialects)('webhook pacing in the running shop on %s', (dialect) => {
  let shop: TestShop;
  const log = recordingLogger();
  beforeEach(async () => {
    shop = await startTestShop(dialect, {
      startJobs: false,
      runtime: { logger: log, inboxPacing: { backlogLimit: 1, maxHoldMs: 60 } },
    });
  });
  afterEach(async () => {
    await shop.close();
  });

  it('holds acks while the worker is behind, says so once in the log and counts it in /metrics', async () => {
    const users = ['U0000000000000000000000000000c001', 'U0000000000000000000000000000c002'];
    for (const u of users) await shop.sim.postback(u, encodePostback({ action: 'add', productId: 1 }));
    // Two events wait and nothing handles them: the third webhook is answered after its hold.
    const started = Date.now();
    await shop.sim.postback('U0000000000000000000000000000c003', encodePostback({ action: 'add', productId: 1 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(50);
    expect(shop.runtime.inbox.backlog).toBe(3);
    const behind = log.entries.filter((e) => e.msg?.startsWith('the shop is behind'));
    expect(behind).toHaveLength(1);
    expect(behind[0]?.obj).toMatchObject({ backlog: 2 });
    const text = await (await fetch(`${shop.url}/metrics`)).text();
    expect(text).toMatch(/^line_shop_webhook_held_batches_total 1$/m);
    // Once the worker has caught up, acks are not held again.
    while (await shop.runtime.eventWorker.tick()) {}
    expect(shop.runtime.inbox.backlog).toBe(0);
    await shop.sim.postback(users[0] as string, encodePostback({ action: 'add', productId: 1 }));
    const after = await (await fetch(`${shop.url}/metrics`)).text();
    expect(after).toMatch(/^line_shop_webhook_held_batches_total 1$/m);
  });
});
