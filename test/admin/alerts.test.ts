/**
 * Merchant alerts on both databases: a one-time code from the console, typed in the shop's chat,
 * binds that LINE user (once; a spent code is an ordinary text); a new paid order is pushed as an
 * `alert` with items, total and a link; in digest mode the next events wait for the interval and
 * go out merged in one message; a removed recipient gets nothing.
 */
import { listRecipients } from '../../src/shop/merchant-alert-repository';
import { sendDueAlerts } from '../../src/shop/merchant-alerts';
import { newUser, waitUntil } from '../checkout/helpers';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient, paidOrder } from './helpers';

describe.each(dialects)('merchant alerts on %s', (dialect) => {
  let shop: TestShop;
  let owner: ConsoleClient;
  let clock = Date.now();
  const merchant = newUser();

  beforeAll(async () => {
    shop = await startTestShop(dialect, { now: () => clock });
    await account(shop, 'owner@example.com');
    owner = new ConsoleClient(shop.url);
    await owner.login('owner@example.com');
  });
  afterAll(() => shop.close());

  async function alerts(): Promise<string[]> {
    const rows = await shop.database.db
      .selectFrom('outbox')
      .select(['messages', 'line_user_id'])
      .where('kind', '=', 'alert')
      .orderBy('id')
      .execute();
    return rows.map((r) => `${r.line_user_id} ${(JSON.parse(r.messages) as Array<{ text: string }>)[0]?.text}`);
  }

  it('binds the LINE user who types the console code in the chat, once', async () => {
    const res = await owner.post('/admin/settings/alerts/code', {}, '/admin/settings');
    const code = /id="link-code">(\d{6})</.exec(res.text)?.[1] as string;
    expect(code).toMatch(/^\d{6}$/);
    await shop.sim.sendText(merchant, code);
    const [reply] = await shop.sim.waitForMessages(merchant, 1);
    expect(JSON.stringify(reply?.message)).toContain('已綁定為商店通知的接收者');
    expect((await listRecipients(shop.database.db)).map((r) => r.line_user_id)).toEqual([merchant]);

    const stranger = newUser();
    await shop.sim.sendText(stranger, code);
    const [answer] = await shop.sim.waitForMessages(stranger, 1);
    expect(JSON.stringify(answer?.message)).not.toContain('已綁定');
    expect(await listRecipients(shop.database.db)).toHaveLength(1);
    expect((await owner.get('/admin/settings')).text).toContain(`${merchant.slice(0, 5)}…${merchant.slice(-4)}`);
  });

  it('pushes a new paid order, then merges what follows into one digest after the interval', async () => {
    clock += 1_000; // the frozen clock moves on from when the alert cursor was made
    const first = await paidOrder(shop);
    await sendDueAlerts(shop.database.db, `${shop.url}/admin`, clock);
    await waitUntil(async () => (await alerts()).length === 1);
    const [one] = await alerts();
    expect(one).toContain(merchant);
    expect(one).toContain(`新訂單 ${first.order_no}`);
    expect(one).toContain('阿里山高山烏龍 ×2');
    expect(one).toContain(`/admin/orders/${first.order_no}`);

    clock += 60_000;
    const second = await paidOrder(shop);
    const third = await paidOrder(shop);
    expect(await sendDueAlerts(shop.database.db, `${shop.url}/admin`, clock)).toBe(0);
    expect(await alerts()).toHaveLength(1);

    clock += 10 * 60_000;
    await sendDueAlerts(shop.database.db, `${shop.url}/admin`, clock);
    await waitUntil(async () => (await alerts()).length === 2);
    const merged = (await alerts())[1] as string;
    expect(merged).toContain(`新訂單 ${second.order_no}`);
    expect(merged).toContain(`新訂單 ${third.order_no}`);
    expect(merged).toMatch(/【商店通知】\d+ 件事/);
  });

  it('tells the merchant a customer asked for a person; the console lists the hand-off and ends it', async () => {
    const customer = newUser();
    await shop.sim.sendText(customer, '找真人客服');
    await shop.sim.waitForMessages(customer, 1);
    clock += 11 * 60_000;
    await sendDueAlerts(shop.database.db, `${shop.url}/admin`, clock);
    await waitUntil(async () => (await alerts()).length === 3);
    expect((await alerts())[2]).toContain('1 位顧客要找真人客服');
    // Told once: the next digest does not repeat it.
    clock += 11 * 60_000;
    await paidOrder(shop);
    clock += 11 * 60_000;
    await sendDueAlerts(shop.database.db, `${shop.url}/admin`, clock);
    await waitUntil(async () => (await alerts()).length === 4);
    expect((await alerts())[3]).not.toContain('真人客服');

    const who = `${customer.slice(0, 5)}…${customer.slice(-4)}`;
    owner = new ConsoleClient(shop.url); // the frozen clock ran past the session's idle timeout
    await owner.login('owner@example.com');
    const page = await owner.get('/admin/conversations');
    expect(page.text).toContain(who);
    const ended = await owner.post('/admin/conversations/end', { user: customer }, '/admin/conversations');
    expect(ended.text).toContain('已交回小幫手');
    expect(ended.text).not.toContain(who);
    const forged = await owner.post('/admin/conversations/end', { user: 'x<script>' }, '/admin/conversations');
    expect(forged.status).toBe(400);
  });

  it('stops alerting a recipient removed in Settings', async () => {
    const res = await owner.post(`/admin/settings/alerts/recipients/${merchant}/remove`, {}, '/admin/settings');
    expect(res.text).toContain('已移除通知接收者');
    clock += 11 * 60_000;
    await paidOrder(shop);
    clock += 11 * 60_000;
    expect(await sendDueAlerts(shop.database.db, `${shop.url}/admin`, clock)).toBe(0);
    expect(await alerts()).toHaveLength(4);
  });
});
