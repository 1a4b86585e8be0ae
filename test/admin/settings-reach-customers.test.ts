/**
 * What the merchant saves in 設定 is what customers meet, on both databases: new delivery fees are
 * the ones 前往結帳 offers and the FAQ's 運費 answer quotes; 超商取貨 is never offered by a setting
 * when the shop has no ECPay account (live mode without the ECPAY_LOGISTICS_* variables).
 */
import { addOne, newUser, next, productWithStock } from '../checkout/helpers';
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
});
