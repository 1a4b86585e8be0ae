/**
 * A merchant tailing the log sees every business event: one `info` line per order placed, paid,
 * failed, expired, cancelled and refunded, with the order number and amount and nothing personal
 * (no LINE user ID). Driven through the LINE and bank simulators, on every database.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createQpayClient } from '../src/qpay';
import { shopEnvFor } from '../src/sandbox/bank';
import {
  buy,
  checkoutData,
  newUser,
  next,
  nth,
  orderStatus,
  ordersOf,
  productWithStock,
  waitUntil,
} from './checkout/helpers';
import { dialects } from './support/databases';
import { type RecordingLogger, recordingLogger } from './support/recording-logger';
import { startTestShop, type TestShop } from './support/shop-harness';

function eventLines(log: RecordingLogger, orderNo: string) {
  return log.entries.filter((e) => typeof e.obj.event === 'string' && e.obj.orderNo === orderNo);
}

describe.each(dialects)('business event log lines on %s', (dialect) => {
  let shop: TestShop;
  let log: RecordingLogger;
  afterEach(async () => {
    await shop.close();
  });

  it('placed, paid, cancelled, expired — and refunded from the orders desk', async () => {
    let t = Date.now();
    log = recordingLogger();
    shop = await startTestShop(dialect, { now: () => t, runtime: { logger: log } });
    const p = await productWithStock(shop, 10);
    const users = [newUser(), newUser(), newUser()];

    // Paid by card.
    const { order: paid } = await buy(shop, users[0] as string, p.id, 'C', 1);
    const n = shop.sim.botMessages(users[0] as string).length;
    await shop.bank.pay(paid.order_no);
    await nth(shop, users[0] as string, n + 1);
    expect(eventLines(log, paid.order_no).map((e) => [e.level, e.msg, e.obj])).toEqual([
      ['info', 'order placed', { event: 'order.placed', orderNo: paid.order_no, amount: paid.total, payType: 'C' }],
      [
        'info',
        'order paid',
        { event: 'order.paid', orderNo: paid.order_no, amount: paid.total, payType: 'C', late: false },
      ],
    ]);

    // Cancelled by the customer.
    const { order: cancelled } = await buy(shop, users[1] as string, p.id, 'C', 2);
    await next(shop, users[1] as string, () =>
      shop.sim.postback(users[1] as string, `action=cancel&orderNo=${cancelled.order_no}&confirm=1`),
    );
    expect(eventLines(log, cancelled.order_no).map((e) => e.obj)).toEqual([
      expect.objectContaining({ event: 'order.placed', amount: cancelled.total }),
      { event: 'order.cancelled', orderNo: cancelled.order_no, amount: cancelled.total, by: 'customer' },
    ]);

    // Expired unpaid.
    const { order: expired } = await buy(shop, users[2] as string, p.id, 'C', 1);
    t += 20 * 60_000 + 61_000;
    await shop.runtime.expirySweeper?.tick();
    await waitUntil(async () => (await orderStatus(shop, expired.order_no)) === 'expired');
    await waitUntil(async () => eventLines(log, expired.order_no).length === 2);
    expect(eventLines(log, expired.order_no)[1]?.obj).toEqual({
      event: 'order.expired',
      orderNo: expired.order_no,
      amount: expired.total,
    });

    // Nothing personal in any line the shop logged.
    const everything = JSON.stringify(log.entries);
    for (const user of users) expect(everything).not.toContain(user);

    // The orders desk (its own process) writes the refund as a JSON line on stderr. Its code is the
    // same on every database, and starting it is slow: once per run is enough.
    if (dialect !== dialects[0]) return;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: shop.database.url,
      ...shopEnvFor(shop.bank),
      LOG_LEVEL: 'info',
    };
    const refund = await promisify(execFile)('npx', ['tsx', 'src/cli/orders.ts', 'refund', paid.order_no, '100'], {
      cwd: join(__dirname, '..'),
      env,
    });
    const line = JSON.parse(refund.stderr.trim().split('\n').pop() as string);
    expect(line).toMatchObject({
      level: 30,
      msg: 'order refunded',
      event: 'order.refunded',
      orderNo: paid.order_no,
      amount: 100,
      orderTotal: paid.total,
      refundedInAll: 100,
    });
    expect(refund.stderr).not.toContain(users[0]);
  }, 60_000);

  it('failed: the bank refuses the order', async () => {
    log = recordingLogger();
    shop = await startTestShop(dialect, { startJobs: false, runtime: { logger: log } });
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await shop.sim.postback(user, `action=add&productId=${p.id}`);
    await shop.runtime.eventWorker.tick();
    await shop.sim.postback(user, await checkoutData(shop, user, 'C', undefined, { delivered: false }));
    await shop.runtime.eventWorker.tick();
    const [order] = await ordersOf(shop, user);
    if (!order) throw new Error('no order');
    const payment = await shop.database.db
      .selectFrom('payments')
      .selectAll()
      .where('order_id', '=', order.id)
      .executeTakeFirstOrThrow();
    // Someone else already used this bank OrderNo: the bank refuses the shop's OrderCreate.
    const other = createQpayClient({ baseUrl: shop.bank.baseUrl, ...shop.bank.credentials });
    try {
      await other.orderCreate({
        orderNo: payment.bank_order_no,
        amount: payment.amount,
        prdtName: 'taken',
        payType: 'C',
        autoBilling: true,
        expMinutes: 10,
      });
    } finally {
      await other.close();
    }
    await shop.runtime.orderSubmitter?.tick();
    expect(await orderStatus(shop, order.order_no)).toBe('failed');
    expect(eventLines(log, order.order_no).map((e) => e.obj)).toEqual([
      expect.objectContaining({ event: 'order.placed' }),
      { event: 'order.failed', orderNo: order.order_no, amount: order.total, reason: expect.any(String) },
    ]);
  }, 30_000);
});
