/**
 * The delivery step through the whole shop (app.inject + the LINE simulator), on both databases:
 * the page link's safety (forged, expired), field errors beside the field, 宅配 with its fee in the
 * confirmation, the order and the bank's Amount, double submits, the store map's reply (forged and
 * genuine, escaped), the saved recipient in one tap, a stale confirmation and forgetting.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { InjectOptions } from 'fastify';
import { ECPAY_STAGE_C2C } from '../../src/ecpay/stage';
import { formatPrice } from '../../src/messages/copy';
import { validateMessages } from '../../src/sandbox/line';
import { deliveryLinkKey, mintDeliveryToken } from '../../src/shop/delivery-link';
import {
  addOne,
  altText,
  confirmationMessage,
  deliveryForm,
  newUser,
  next,
  ordersOf,
  payButtonOf,
  postbacks,
  productWithStock,
  submitDelivery,
  waitUntil,
} from '../checkout/helpers';
import { dialects } from '../support/databases';
import { deliveryToken } from '../support/delivery';
import { startTestShop, type TestShop } from '../support/shop-harness';

const ENV = {
  FREE_SHIPPING_THRESHOLD: '3000',
  ECPAY_LOGISTICS_MERCHANT_ID: ECPAY_STAGE_C2C.merchantId,
  ECPAY_LOGISTICS_HASH_KEY: ECPAY_STAGE_C2C.hashKey,
  ECPAY_LOGISTICS_HASH_IV: ECPAY_STAGE_C2C.hashIv,
  ECPAY_LOGISTICS_BASE_URL: 'http://127.0.0.1:9',
  ECPAY_LOGISTICS_SENDER_NAME: '林小茶',
  ECPAY_LOGISTICS_SENDER_CELLPHONE: '0912345678',
};

function form(token: string, fields: Record<string, string>) {
  return {
    method: 'POST' as const,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ t: token, ...fields }).toString(),
  };
}

describe.each(dialects)('delivery step on %s', (dialect) => {
  let shop: TestShop;
  beforeAll(async () => {
    shop = await startTestShop(dialect, { env: ENV });
  });
  afterAll(() => shop?.close());

  const drafts = () => shop.database.db.selectFrom('delivery_drafts').selectAll().execute();
  const inject = (o: InjectOptions) => shop.runtime.app.inject(o);

  it('前往結帳 answers with the methods, fees and a signed link; forged and expired links store nothing', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await addOne(shop, user, p.id);
    const step = await next(shop, user, () => shop.sim.postback(user, 'action=checkout'));
    expect(validateMessages([step as never])).toEqual([]);
    const text = JSON.stringify(step);
    for (const w of ['宅配到府', '超商取貨', '門市自取', 'NT$100', 'NT$60', '免運', '還差']) expect(text).toContain(w);
    const url = new URL((JSON.stringify(step).match(/"uri":"([^"]+)"/) as RegExpMatchArray)[1] as string);
    expect(url.pathname).toBe('/delivery');
    const token = url.searchParams.get('t') as string;

    const page = await inject({ method: 'GET', url: `/delivery?t=${token}` });
    expect(page.statusCode).toBe(200);
    for (const label of [
      '宅配',
      '超商取貨',
      '門市自取',
      '收件人姓名',
      '手機',
      '縣市',
      '鄉鎮市區',
      '地址',
      '選擇門市',
      '確認',
    ]) {
      expect(page.body).toContain(label);
    }
    expect(page.body).toContain('<option value="臺北市">臺北市</option>');
    expect(page.body).not.toMatch(/<(script|link)[^>]+src="https?:/);

    const before = (await drafts()).length;
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const forged = await inject({ url: '/delivery', ...form(tampered, deliveryForm('home')) });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('請回到 LINE 重新結帳');
    const otherUser = deliveryToken(shop.config.line.channelSecret, newUser()).split('.');
    const swapped = [token.split('.')[0], ...otherUser.slice(1)].join('.');
    expect((await inject({ url: '/delivery', ...form(swapped, deliveryForm('home')) })).statusCode).toBe(403);
    const expired = mintDeliveryToken(deliveryLinkKey(shop.config.line.channelSecret), {
      userId: user,
      checkoutId: 'ExpiredCheckout1',
      expiresAt: Date.now() - 1,
    });
    const late = await inject({ url: '/delivery', ...form(expired, deliveryForm('home')) });
    expect(late.statusCode).toBe(410);
    expect(late.body).toContain('請回到 LINE 重新結帳');
    expect((await inject({ method: 'GET', url: `/delivery?t=${expired}` })).statusCode).toBe(410);
    expect((await drafts()).length).toBe(before);
  });

  it('invalid phone, name and address are shown beside their fields; nothing is confirmed', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await addOne(shop, user, p.id);
    const res = await submitDelivery(shop, user, {
      method: 'home',
      name: '王1',
      phone: '12345',
      city: '臺北市',
      district: '大安區',
      address: '和平東路',
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/id="err-name"[^>]*>收件人姓名不可包含數字/);
    expect(res.body).toMatch(/id="err-phone"[^>]*>手機號碼格式為 09 開頭/);
    expect(res.body).toMatch(/id="err-address"[^>]*>請填寫門牌號碼/);
    // What was typed stays in the fields (escaped).
    expect(res.body).toContain('value="和平東路"');
    const district = await submitDelivery(shop, user, { ...deliveryForm('home'), district: '不存在區' });
    expect(district.body).toMatch(/id="err-district"[^>]*>請選擇鄉鎮市區/);
    const cvs = await submitDelivery(shop, user, { ...deliveryForm('cvs'), chain: 'FAMIC2C' });
    expect(cvs.body).toMatch(/id="err-store"[^>]*>請按「選擇門市」/);
    expect((await drafts()).filter((d) => d.line_user_id === user && d.confirmed_hash)).toEqual([]);
    const kinds = await shop.database.db.selectFrom('outbox').select('kind').where('line_user_id', '=', user).execute();
    expect(kinds.map((k) => k.kind)).not.toContain('delivery_confirmation');
  });

  it('宅配 + card: the confirmation shows subtotal, 運費 and total; the order and the bank Amount include the fee', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await addOne(shop, user, p.id);
    await addOne(shop, user, p.id);
    const subtotal = p.price * 2;
    const fields = { ...deliveryForm('home'), phone: '+886 912 345 678' };
    const token = deliveryToken(shop.config.line.channelSecret, user);
    const confirmation = await confirmationMessage(shop, user, fields, { token });
    expect(validateMessages([confirmation as never])).toEqual([]);
    const text = JSON.stringify(confirmation);
    for (const w of [
      '運費',
      formatPrice(100),
      formatPrice(subtotal + 100),
      '宅配到府',
      '王*明',
      '0912-***-678',
      '臺北市大安區…',
    ]) {
      expect(text).toContain(w);
    }
    expect(text).not.toContain('和平東路');
    expect(text).not.toContain('0912345678');
    expect(text).toContain('修改收件資料');
    // The same form again on the same link (a double submit): nothing new is told.
    expect((await inject({ url: '/delivery', ...form(token, fields) })).statusCode).toBe(303);
    const confirmations = await shop.database.db
      .selectFrom('outbox')
      .select('id')
      .where('line_user_id', '=', user)
      .where('kind', '=', 'delivery_confirmation')
      .execute();
    expect(confirmations).toHaveLength(1);

    const link = await next(shop, user, () => shop.sim.postback(user, payButtonOf(confirmation, 'C')));
    expect(JSON.stringify(link)).toContain('宅配到府');
    const [order] = await ordersOf(shop, user);
    expect(order).toMatchObject({ total: subtotal + 100, shipping_fee: 100, delivery_method: 'home' });
    const snapshot = await shop.database.db
      .selectFrom('order_deliveries')
      .selectAll()
      .where('order_id', '=', order?.id as number)
      .executeTakeFirstOrThrow();
    expect(snapshot).toMatchObject({
      method: 'home',
      recipient_name: '王小明',
      recipient_phone: '0912345678',
      postal_code: '106',
      city: '臺北市',
      district: '大安區',
      address: '和平東路一段12號3樓',
    });
    const bankOrder = shop.bank.orders().find((o) => o.orderNo === order?.order_no);
    // QPay amounts are in cents.
    expect(bankOrder?.amount).toBe((subtotal + 100) * 100);
    // The merchant (and only the merchant) sees the full recipient: `npm run orders -- show`.
    const { stdout } = await promisify(execFile)(
      join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx'),
      ['src/cli/orders.ts', 'show', order?.order_no as string],
      {
        cwd: join(__dirname, '..', '..'),
        env: { ...process.env, DATABASE_URL: shop.database.url, LINE_CHANNEL_SECRET: '', LOG_LEVEL: 'silent' },
      },
    );
    expect(stdout).toContain('shipping NT$100');
    expect(stdout).toContain('delivery home (宅配到府)');
    expect(stdout).toContain('recipient 王小明  0912345678');
    expect(stdout).toContain('address 106 臺北市大安區和平東路一段12號3樓');
  });

  it('free shipping at the threshold: 運費 免運, total = subtotal', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 20);
    const n = Math.ceil(3000 / p.price);
    for (let i = 0; i < n; i++) await addOne(shop, user, p.id);
    const confirmation = await confirmationMessage(shop, user, deliveryForm('home'));
    expect(JSON.stringify(confirmation)).toContain('免運');
    await next(shop, user, () => shop.sim.postback(user, payButtonOf(confirmation, 'A')));
    const [order] = await ordersOf(shop, user);
    expect(order).toMatchObject({ total: p.price * n, shipping_fee: 0 });
  });

  it('store map replies: only our MerchantID, a MerchantTradeNo we issued for this checkout, the chain chosen', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 5);
    await addOne(shop, user, p.id);
    const token = deliveryToken(shop.config.line.channelSecret, user);
    const checkoutId = token.split('.')[1] as string;
    const map = await inject({ url: '/delivery/map', ...form(token, { ...deliveryForm('cvs'), chain: 'FAMIC2C' }) });
    expect(map.statusCode).toBe(200);
    expect(map.body).toContain('/Express/map');
    const tradeNo = (map.body.match(/name="MerchantTradeNo" value="([A-Za-z0-9]+)"/) as RegExpMatchArray)[1] as string;
    expect(map.body).toContain(`name="ExtraData" value="${checkoutId}"`);
    expect(map.body).toContain(`name="ServerReplyURL" value="${shop.config.publicBaseUrl}/delivery/store"`);
    const reply = {
      MerchantID: ECPAY_STAGE_C2C.merchantId,
      MerchantTradeNo: tradeNo,
      LogisticsSubType: 'FAMIC2C',
      CVSStoreID: '006598',
      CVSStoreName: '全家<b>青田店</b>',
      CVSAddress: '台北市大安區青田街一巷7號',
      CVSTelephone: '02-23960011',
      CVSOutSide: '0',
      ExtraData: checkoutId,
    };
    const post = (body: Record<string, string>) =>
      inject({
        method: 'POST',
        url: '/delivery/store',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(body).toString(),
      });
    const store = async () =>
      (await shop.database.db.selectFrom('delivery_drafts').selectAll().where('id', '=', checkoutId).executeTakeFirst())
        ?.store_id ?? null;
    expect((await post({ ...reply, MerchantID: '2000132' })).statusCode).toBe(400);
    expect((await post({ ...reply, MerchantTradeNo: 'M0000000000000000000' })).statusCode).toBe(400);
    expect((await post({ ...reply, LogisticsSubType: 'UNIMARTC2C', CVSStoreID: '131386' })).statusCode).toBe(400);
    expect((await post({ ...reply, ExtraData: 'Another0Checkout' })).statusCode).toBe(400);
    expect(await store()).toBeNull();

    const ok = await post(reply);
    expect(ok.statusCode).toBe(303);
    const back = ok.headers.location as string;
    expect(back).toBe(`/delivery?t=${encodeURIComponent(token)}`);
    expect(await store()).toBe('006598');
    const page = await inject({ method: 'GET', url: back });
    expect(page.body).toContain('全家&#60;b&#62;青田店&#60;/b&#62;');
    expect(page.body).not.toContain('<b>青田店');
    // The name and phone typed before the map are still there.
    expect(page.body).toContain('value="王小明"');

    const res = await inject({ url: '/delivery', ...form(token, { ...deliveryForm('cvs'), chain: 'FAMIC2C' }) });
    expect(res.statusCode).toBe(303);
    const done = await inject({ method: 'GET', url: res.headers.location as string });
    expect(done.body).toContain('回到 LINE');
  });

  it('a returning customer ships to the saved recipient in one tap; 刪除我的收件資料 asks, then forgets', async () => {
    const user = newUser();
    const p = await productWithStock(shop, 10);
    await addOne(shop, user, p.id);
    const first = await confirmationMessage(shop, user, deliveryForm('home'));
    await next(shop, user, () => shop.sim.postback(user, payButtonOf(first, 'C')));
    await addOne(shop, user, p.id);
    const step = await next(shop, user, () => shop.sim.postback(user, 'action=checkout'));
    expect(JSON.stringify(step)).toContain('寄到 王*明 · 臺北市大安區…');
    expect(JSON.stringify(step)).toContain('填寫新的收件資料');
    const oneTap = postbacks(step).find((d) => d.startsWith('action=deliver&r=')) as string;
    const confirmation = await next(shop, user, () => shop.sim.postback(user, oneTap));
    expect(altText(confirmation)).toContain('宅配到府');
    await next(shop, user, () => shop.sim.postback(user, payButtonOf(confirmation, 'A')));
    const orders = await ordersOf(shop, user);
    expect(orders).toHaveLength(2);
    expect(orders[1]).toMatchObject({ delivery_method: 'home', shipping_fee: 100, total: p.price + 100 });

    const list = await next(shop, user, () => shop.sim.postback(user, 'action=orders'));
    expect(postbacks(list)).toContain('action=forget');
    const help = await next(shop, user, () => shop.sim.postback(user, 'action=help'));
    expect(postbacks(help)).toContain('action=forget');
    const ask = await next(shop, user, () => shop.sim.postback(user, 'action=forget'));
    expect(postbacks(ask)).toContain('action=forget&confirm=1');
    const saved = () =>
      shop.database.db.selectFrom('saved_recipients').select('id').where('line_user_id', '=', user).execute();
    expect(await saved()).toHaveLength(1);
    await next(shop, user, () => shop.sim.postback(user, 'action=forget&confirm=1'));
    expect(await saved()).toHaveLength(0);
    // The orders keep their own snapshot.
    expect(
      await shop.database.db
        .selectFrom('order_deliveries')
        .select('order_id')
        .where(
          'order_id',
          'in',
          orders.map((o) => o.id),
        )
        .execute(),
    ).toHaveLength(2);
  });

  it('a stale confirmation (the cart changed) is rebuilt with the new subtotal and fee; the old amount is never charged', async () => {
    const user = newUser();
    const a = await productWithStock(shop, 5, 0);
    const b = await productWithStock(shop, 5, 1);
    await addOne(shop, user, a.id);
    const old = await confirmationMessage(shop, user, deliveryForm('home'));
    await addOne(shop, user, b.id);
    const before = shop.sim.botMessages(user).length;
    await shop.sim.postback(user, payButtonOf(old, 'C'));
    const [notice, fresh] = (await shop.sim.waitForMessages(user, before + 2)).slice(before) as Array<{
      message: unknown;
    }>;
    expect(altText(notice?.message)).toContain('還沒有建立訂單');
    const subtotal = a.price + b.price;
    const fee = subtotal >= 3000 ? 0 : 100;
    expect(JSON.stringify(fresh?.message)).toContain(formatPrice(subtotal + fee));
    expect(await ordersOf(shop, user)).toEqual([]);
    // A hand-made button with the old total but the new cart version is refused too.
    const forgedTotal = payButtonOf(fresh?.message, 'C').replace(/&t=\d+/, `&t=${a.price + 100}`);
    await next(shop, user, () => shop.sim.postback(user, forgedTotal));
    expect(await ordersOf(shop, user)).toEqual([]);
    await next(shop, user, () => shop.sim.postback(user, payButtonOf(fresh?.message, 'C')));
    await waitUntil(async () => (await ordersOf(shop, user)).length === 1);
    expect((await ordersOf(shop, user))[0]?.total).toBe(subtotal + fee);
  });
});
