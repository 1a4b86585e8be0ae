/** Shipping's variables (defaults, ECPay's sender rules checked at start, clear refusals) and words. */
import { ConfigError, DEMO_SENDER, loadConfig } from '../../src/config';
import { shippingCopy } from '../../src/messages/shipping-messages';
import { FULFILMENT_LABELS } from '../../src/shop/order-lifecycle';

const ECPAY = {
  ECPAY_LOGISTICS_MERCHANT_ID: '2000933',
  ECPAY_LOGISTICS_HASH_KEY: 'XBERn1YOvpM9nfZc',
  ECPAY_LOGISTICS_HASH_IV: 'h1ONHk4P4yqbl5LK',
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('accepted');
}

describe('shipping configuration', () => {
  it('has defaults: auto-ship on, 7 days to auto-complete, 180 days retention, a demo sender in the sandbox', () => {
    const c = loadConfig({});
    expect(c.shipping).toEqual({
      cvsAutoShip: true,
      sender: DEMO_SENDER,
      deliveryAutoCompleteMs: 7 * 86_400_000,
      recipientRetentionMs: 180 * 86_400_000,
    });
    const set = loadConfig({
      CVS_AUTO_SHIP: 'false',
      DELIVERY_AUTO_COMPLETE_DAYS: '3',
      RECIPIENT_RETENTION_DAYS: '30',
    });
    expect(set.shipping).toMatchObject({
      cvsAutoShip: false,
      deliveryAutoCompleteMs: 3 * 86_400_000,
      recipientRetentionMs: 30 * 86_400_000,
    });
  });

  it('needs the sender when the ECPay credentials are set, and checks it by ECPay rules', () => {
    expect(refusal(ECPAY)).toMatch(/^ECPAY_LOGISTICS_SENDER_NAME: and ECPAY_LOGISTICS_SENDER_CELLPHONE are required/);
    const ok = loadConfig({
      ...ECPAY,
      ECPAY_LOGISTICS_SENDER_NAME: '王小明',
      ECPAY_LOGISTICS_SENDER_CELLPHONE: '0912-345-678',
    });
    expect(ok.shipping.sender).toEqual({ name: '王小明', cellPhone: '0912345678' });
    expect(
      refusal({ ...ECPAY, ECPAY_LOGISTICS_SENDER_NAME: '王', ECPAY_LOGISTICS_SENDER_CELLPHONE: '0912345678' }),
    ).toMatch(/^ECPAY_LOGISTICS_SENDER_NAME: 寄件人姓名太短/);
    expect(
      refusal({ ...ECPAY, ECPAY_LOGISTICS_SENDER_NAME: '王小明2號', ECPAY_LOGISTICS_SENDER_CELLPHONE: '0912345678' }),
    ).toMatch(/不可包含數字/);
    expect(
      refusal({ ...ECPAY, ECPAY_LOGISTICS_SENDER_NAME: '王小明', ECPAY_LOGISTICS_SENDER_CELLPHONE: '02-2345-6789' }),
    ).toMatch(/^ECPAY_LOGISTICS_SENDER_CELLPHONE: must be a Taiwanese mobile number/);
    expect(refusal({ ...ECPAY, ECPAY_LOGISTICS_SENDER_NAME: '王小明' })).toMatch(
      /^ECPAY_LOGISTICS_SENDER_CELLPHONE: is required/,
    );
    expect(refusal({ CVS_AUTO_SHIP: 'maybe' })).toMatch(/^CVS_AUTO_SHIP: must be true or false/);
    expect(refusal({ DELIVERY_AUTO_COMPLETE_DAYS: '0' })).toMatch(
      /^DELIVERY_AUTO_COMPLETE_DAYS: must be a whole number/,
    );
  });

  it('has no sender (and no ECPay shipments) live without ECPay credentials', () => {
    const live = loadConfig({
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
    });
    expect([live.ecpayLogistics, live.shipping.sender]).toEqual([undefined, undefined]);
  });
});

describe('fulfilment words', () => {
  it('the order bubble says what the lifecycle calls each state', () => {
    expect(shippingCopy.fulfilment).toEqual(FULFILMENT_LABELS);
  });
});
