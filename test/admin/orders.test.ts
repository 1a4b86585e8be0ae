/**
 * Orders in the console on both databases: a paid order appears in 待出貨 and on the dashboard,
 * its page shows items, fee, bank records, the full recipient (markup as text) and the timeline;
 * search by number, phone and name; a partial refund goes through a confirm step and is recorded
 * with who did it; staff cannot refund; cancelling an unpaid order tells the customer; slips print.
 */
import { recentAudit } from '../../src/admin/account-repository';
import { getOrderByNo, orderTimeline } from '../../src/shop/order-repository';
import { refundsOf } from '../../src/shop/payment-repository';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient, noticeKinds, paidOrder, unpaidOrder } from './helpers';

describe.each(dialects)('console orders on %s', (dialect) => {
  let shop: TestShop;
  let owner: ConsoleClient;
  let staff: ConsoleClient;
  beforeAll(async () => {
    shop = await startTestShop(dialect);
    await account(shop, 'owner@example.com', 'owner');
    await account(shop, 'staff@example.com', 'staff');
    owner = new ConsoleClient(shop.url);
    await owner.login('owner@example.com');
    staff = new ConsoleClient(shop.url);
    await staff.login('staff@example.com');
  });
  afterAll(() => shop.close());

  it('ships a home delivery from the order page (staff may): carrier + tracking, the customer is told, then delivered', async () => {
    const order = await paidOrder(shop);
    const path = `/admin/orders/${order.order_no}`;
    const page = await staff.get(path);
    expect(page.text).toContain(`action="${path}/ship"`);
    expect(page.text).toContain('黑貓宅急便');
    expect(page.text).not.toContain(`action="${path}/delivered"`);

    const bad = await staff.post(`${path}/ship`, { carrier: 'tcat', tracking: '' }, path);
    expect(bad.status).toBe(409);
    expect((await getOrderByNo(shop.database.db, order.order_no))?.fulfilment).toBe('to_ship');

    const shipped = await staff.post(`${path}/ship`, { carrier: 'tcat', tracking: '903221488720' }, path);
    expect(shipped.status).toBe(200);
    expect(shipped.text).toContain('已出貨，並已通知顧客');
    expect(shipped.text).toContain('903221488720');
    expect(shipped.text).toContain(`action="${path}/delivered"`);
    expect(shipped.text).not.toContain(`action="${path}/ship"`);
    expect(await noticeKinds(shop, order)).toContain('shipped');
    const timeline = (await orderTimeline(shop.database.db, order.id)).filter((e) => e.event !== 'noticeSent');
    expect(timeline.at(-1)).toMatchObject({ event: 'shipped', actor: 'merchant:staff@example.com' });
    expect((await recentAudit(shop.database.db, 5, order.order_no))[0]).toMatchObject({ action: 'ship' });

    // Twice: nothing changes and nobody is told again.
    const again = await staff.post(`${path}/ship`, { carrier: 'tcat', tracking: '903221488720' }, path);
    expect(again.text).toContain('已經是這個狀態了');
    expect((await noticeKinds(shop, order)).filter((k) => k === 'shipped')).toHaveLength(1);

    const delivered = await staff.post(`${path}/delivered`, {}, path);
    expect(delivered.text).toContain('已標記為已送達');
    expect((await getOrderByNo(shop.database.db, order.order_no))?.fulfilment).toBe('completed');
  });

  it('shows a paid order in 待出貨, on the dashboard and on its page; names with markup stay text', async () => {
    const order = await paidOrder(shop, { name: '<b>王</b>小明', phone: '0912345678' });
    const list = await owner.get('/admin/orders?tab=to_ship');
    expect(list.text).toContain(order.order_no);
    expect(list.text).toContain('&lt;*'); // masked in lists: first and last character
    expect(list.text).not.toContain('<b>王</b>');
    const dash = await owner.get('/admin');
    expect(dash.text).toMatch(/今日付款訂單<\/span><b>[1-9]/);
    const page = await owner.get(`/admin/orders/${order.order_no}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('&lt;b&gt;王&lt;/b&gt;小明');
    expect(page.text).not.toContain('<b>王</b>');
    expect(page.text).toContain('0912345678');
    expect(page.text).toContain('重慶南路一段 122 號');
    expect(page.text).toContain('銀行紀錄');
    expect(page.text).toContain('已付款 <span class="muted">— 銀行');
    expect(page.text).toContain('id="shipping"');
  });

  it('finds orders by number, phone and recipient name', async () => {
    const order = await paidOrder(shop, { name: '陳大文', phone: '0987654321' });
    for (const q of [order.order_no, '0987654321', '0987-654-321', '陳大文', '大文']) {
      const res = await owner.get(`/admin/orders?q=${encodeURIComponent(q)}`);
      expect([q, res.text.includes(order.order_no)]).toEqual([q, true]);
    }
    const none = await owner.get(`/admin/orders?q=${encodeURIComponent('不存在的人')}`);
    expect(none.text).not.toContain(order.order_no);
  });

  it('refunds part of an order after a confirm step showing the amount, and records who did it', async () => {
    const order = await paidOrder(shop);
    const path = `/admin/orders/${order.order_no}`;
    const confirm = await owner.post(`${path}/refund`, { amount: '300' }, path);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('確認退款');
    expect(confirm.text).toContain('NT$300');
    expect(await refundsOf(shop.database.db, order.id)).toEqual([]);

    const done = await owner.post(`${path}/refund`, { amount: '300', confirm: 'yes' }, path);
    expect(done.status).toBe(200);
    expect(done.text).toContain('已退款 NT$300');
    const after = await getOrderByNo(shop.database.db, order.order_no);
    expect(after).toMatchObject({ status: 'paid', refunded_amount: 300 });
    expect((await refundsOf(shop.database.db, order.id)).map((r) => r.amount)).toEqual([300]);
    expect(await noticeKinds(shop, order)).toContain('refund');
    const timeline = (await orderTimeline(shop.database.db, order.id)).filter((e) => e.event !== 'noticeSent');
    expect(timeline.at(-1)).toMatchObject({ event: 'refunded', actor: 'merchant:owner@example.com', detail: '300' });
    expect((await recentAudit(shop.database.db, 5, order.order_no))[0]).toMatchObject({
      actor: 'owner@example.com',
      action: 'refund',
      detail: '300',
    });

    // More than is left is refused beside the field, nothing changes.
    const tooMuch = await owner.post(`${path}/refund`, { amount: String(order.total), confirm: 'yes' }, path);
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.text).toContain('請輸入 1 到');
    expect((await getOrderByNo(shop.database.db, order.order_no))?.refunded_amount).toBe(300);
  });

  it('does not let staff refund, capture or void (403), and shows them no refund button', async () => {
    const order = await paidOrder(shop);
    const path = `/admin/orders/${order.order_no}`;
    const page = await staff.get(path);
    expect(page.text).not.toContain('id="refund-form"');
    for (const action of ['refund', 'capture', 'void', 'resolve']) {
      const res = await staff.post(`${path}/${action}`, { amount: '100', confirm: 'yes' }, path);
      expect([action, res.status]).toEqual([action, 403]);
    }
    expect(await refundsOf(shop.database.db, order.id)).toEqual([]);
  });

  it('refuses a refund without the CSRF token (403) and refunds nothing', async () => {
    const order = await paidOrder(shop);
    const res = await owner.request('POST', `/admin/orders/${order.order_no}/refund`, {
      amount: '100',
      confirm: 'yes',
    });
    expect(res.status).toBe(403);
    expect(await refundsOf(shop.database.db, order.id)).toEqual([]);
  });

  it('cancels an unpaid order (staff may), releases it and tells the customer', async () => {
    const order = await unpaidOrder(shop);
    const path = `/admin/orders/${order.order_no}`;
    expect((await staff.get(path)).text).toContain('取消這筆未付款訂單');
    const res = await staff.post(`${path}/cancel`, {}, path);
    expect(res.status).toBe(200);
    expect((await getOrderByNo(shop.database.db, order.order_no))?.status).toBe('cancelled');
    expect(await noticeKinds(shop, order)).toContain('cancelled_by_shop');
    const again = await staff.post(`${path}/cancel`, {}, path);
    expect(again.status).toBe(409);
  });

  it('prints packing slips for one or several orders', async () => {
    const a = await paidOrder(shop, { name: '林一', phone: '0911111111' });
    const b = await paidOrder(shop, { name: '林二', phone: '0922222222' });
    const res = await staff.get(`/admin/slips?no=${a.order_no}&no=${b.order_no}&no=bad'"`);
    expect(res.status).toBe(200);
    expect(res.text.match(/class="slip card"/g)).toHaveLength(2);
    expect(res.text).toContain('0922222222');
    expect((await staff.get('/admin/orders/NOPE123456')).status).toBe(404);
  });
});
