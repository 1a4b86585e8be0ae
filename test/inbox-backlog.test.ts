/**
 * The webhook's pacing counts the events the worker still has to handle (issue 17): the count
 * rises with each stored event and falls as the event worker handles them, back to zero when the
 * inbox is empty, so acknowledging slows only while the shop is really behind.
 */
import { encodePostback } from '../src/messages/postback';
import { dialects } from './support/databases';
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
    expect(users.map((u) => shop.sim.botMessages(u).length)).toEqual([expect.any(Number), expect.any(Number)]);
    for (const u of users) expect(shop.sim.botMessages(u).length).toBeGreaterThan(0);
  });
});
