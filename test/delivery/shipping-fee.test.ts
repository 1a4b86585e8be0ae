/** The fee and free-shipping arithmetic, as a table. */
import { type DeliveryConfig, loadConfig } from '../../src/config';
import { amountToFreeShipping, charge, offeredMethods, shippingFee } from '../../src/shop/shipping-fee';

const base: DeliveryConfig = {
  homeFee: 100,
  cvsFee: 60,
  freeShippingThreshold: 1000,
  pickup: { address: '臺北市中正區測試路1號', hours: '10:00–18:00' },
  cvsChains: ['UNIMARTC2C', 'FAMIC2C'],
};

describe('shipping fee', () => {
  it.each([
    // method, subtotal, fee, to free shipping
    ['home', 0, 100, 1000],
    ['home', 999, 100, 1],
    ['home', 1000, 0, null],
    ['home', 5000, 0, null],
    ['cvs', 680, 60, 320],
    ['cvs', 1000, 0, null],
    ['pickup', 680, 0, 320],
    ['pickup', 1200, 0, null],
  ] as const)('%s on NT$%i: fee %i, %p more for free shipping', (method, subtotal, fee, toFree) => {
    expect(shippingFee(base, method, subtotal)).toBe(fee);
    expect(amountToFreeShipping(base, subtotal)).toBe(toFree);
    expect(charge(base, method, subtotal)).toEqual({ subtotal, fee, total: subtotal + fee });
  });

  it('no threshold: the fee always applies and nothing is "還差"', () => {
    const c = { ...base, freeShippingThreshold: null };
    expect(shippingFee(c, 'home', 100_000)).toBe(100);
    expect(amountToFreeShipping(c, 10)).toBeNull();
  });

  it('methods switched off are not offered and have no fee', () => {
    const c: DeliveryConfig = { ...base, homeFee: null, cvsChains: [], pickup: null, cvsFee: 60 };
    expect(offeredMethods(c)).toEqual([]);
    expect(shippingFee(c, 'home', 10)).toBeNull();
    expect(shippingFee(c, 'cvs', 10)).toBeNull();
    expect(charge(c, 'pickup', 10)).toBeNull();
    expect(offeredMethods(base)).toEqual(['home', 'cvs', 'pickup']);
  });
});

describe('delivery configuration', () => {
  it('defaults: 宅配 100, 超商 60 with the four C2C chains (sandbox), no free shipping, no 自取', () => {
    expect(loadConfig({}).delivery).toEqual({
      homeFee: 100,
      cvsFee: 60,
      freeShippingThreshold: null,
      pickup: null,
      cvsChains: ['UNIMARTC2C', 'FAMIC2C', 'HILIFEC2C', 'OKMARTC2C'],
    });
  });

  it('reads the variables; live without ECPay credentials offers no 超商取貨', () => {
    const c = loadConfig({
      DELIVERY_HOME_FEE: 'off',
      DELIVERY_CVS_FEE: '45',
      FREE_SHIPPING_THRESHOLD: '1500',
      DELIVERY_PICKUP_ADDRESS: '臺北市大安區和平東路一段1號',
      DELIVERY_PICKUP_HOURS: '週一至週五 10:00–18:00',
      CVS_CHAINS: 'famic2c, UNIMARTC2C',
    }).delivery;
    expect(c).toEqual({
      homeFee: null,
      cvsFee: 45,
      freeShippingThreshold: 1500,
      pickup: { address: '臺北市大安區和平東路一段1號', hours: '週一至週五 10:00–18:00' },
      cvsChains: ['FAMIC2C', 'UNIMARTC2C'],
    });
    const live = loadConfig({
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
    }).delivery;
    expect(live.cvsFee).toBeNull();
  });

  it.each([
    [{ DELIVERY_HOME_FEE: '1.5' }, 'DELIVERY_HOME_FEE'],
    [{ DELIVERY_CVS_FEE: '-1' }, 'DELIVERY_CVS_FEE'],
    [{ FREE_SHIPPING_THRESHOLD: 'lots' }, 'FREE_SHIPPING_THRESHOLD'],
    [{ CVS_CHAINS: 'SEVEN' }, 'CVS_CHAINS'],
    [{ DELIVERY_PICKUP_HOURS: '10-18' }, 'DELIVERY_PICKUP_HOURS'],
    [{ DELIVERY_HOME_FEE: 'off', DELIVERY_CVS_FEE: 'off' }, 'DELIVERY_HOME_FEE'],
  ])('refuses %p naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(name);
  });
});
