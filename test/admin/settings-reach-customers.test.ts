/**
 * What the merchant saves in 設定 is what customers meet, on both databases: new delivery fees are
 * the ones 前往結帳 offers and the FAQ's 運費 answer quotes; 超商取貨 is never offered by a setting
 * when the shop has no ECPay account (live mode without the ECPAY_LOGISTICS_* variables).
 */
import { addOne, buy, newUser, next, productWithStock } from '../checkout/helpers';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient } from './helpers';

const FORM = {
  homeFee: '150',
  cvsFee: '45',
  cvsChains: 'FAMIC2C',
  freeShippingThreshold: '',
  pickupAddress: '',
  pickupHours: '',
};

describe.each(dialects)('settings reach the customers on %s', (dialect) => {
  let shop: TestShop;
  let owner: ConsoleClient;
  beforeAll(async () => {
    shop = await startTestShop(dialect);
    await account(shop, 'owner@example.com', 'owner');
    owner = new ConsoleClient(shop.url);
    await owner.login('owner@example.com');
  });
  afterAll(() => shop.close());

  it('new fees are offered at checkout and quoted by the FAQ at once; no store pickup without ECPay', async () => {
    const saved = await owner.post('/admin/settings/delivery', FORM, '/admin/settings');
    expect(saved.status).toBe(200);

    const user = newUser();
    const p = await productWithStock(shop, 5);
    await addOne(shop, user, p.id);
    const step = JSON.stringify(await next(shop, user, () => shop.sim.postback(user, 'action=checkout')));
    expect(step).toContain('宅配到府');
    expect(step).toContain('NT$150');
    // This test shop has no ECPay account: the saved 超商取貨 fee must not bring the method back.
    expect(step).not.toContain('超商取貨');
    expect(step).not.toContain('NT$45');

    const faq = JSON.stringify(await next(shop, user, () => shop.sim.sendText(user, '運費多少')));
    expect(faq).toContain('NT$150');
    expect(faq).not.toContain('超商取貨');
  });

  it('a shop name saved in 設定 is on the next receipt and the payment result page, without a restart', async () => {
    const form = {
      name: '小步鞋坊',
      emoji: '👟',
      greeting: '',
      tagline: '',
      about: '',
      contact: '',
      brandColor: '#8A4B2A',
    };
    expect((await owner.post('/admin/settings/profile', form, '/admin/settings')).status).toBe(200);
    // 門市自取 back on (the test before switched it off): the harness's purchases pick up in the shop.
    const pickup = { ...FORM, pickupAddress: '臺北市大安區和平東路一段1號', pickupHours: '10:00–18:00' };
    expect((await owner.post('/admin/settings/delivery', pickup, '/admin/settings')).status).toBe(200);
    const user = newUser();
    const p = await productWithStock(shop, 5);
    const { order } = await buy(shop, user, p.id, 'C');
    const receipt = JSON.stringify(await next(shop, user, () => shop.bank.pay(order.order_no)));
    expect(receipt).toContain('小步鞋坊');
    const page = await shop.runtime.app.inject({ method: 'GET', url: '/payments/qpay/result' });
    expect(page.body).toContain('小步鞋坊');
  });
});
