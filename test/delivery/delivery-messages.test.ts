/**
 * The delivery step's pure parts: masking, postback data, the bubbles as LINE validates them (at
 * the largest cart), the form rules and the log redaction of recipients.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { OrderDelivery } from '../../src/db/types';
import { REDACT_PATHS } from '../../src/logger';
import { deliveryStepMessage, orderConfirmationMessage, orderDeliveryRows } from '../../src/messages/delivery-messages';
import { maskAddress, maskName, maskPhone } from '../../src/messages/mask';
import { decodePostback, encodePostback, type PostbackAction } from '../../src/messages/postback';
import { validateMessages } from '../../src/sandbox/line';
import { checkDeliveryForm } from '../../src/shop/delivery';
import { deliveryLinkKey, mintDeliveryToken, verifyDeliveryToken } from '../../src/shop/delivery-link';

const config = {
  homeFee: 100,
  cvsFee: 60,
  freeShippingThreshold: 2000,
  pickup: { address: '臺北市中正區測試路1號', hours: '10:00–18:00' },
  cvsChains: ['UNIMARTC2C' as const, 'FAMIC2C' as const],
};

describe('masking', () => {
  it.each([
    ['王小明', '王*明'],
    ['王明', '王*'],
    ['歐陽小明', '歐**明'],
    ['John', 'J**n'],
  ])('%s → %s', (name, masked) => expect(maskName(name)).toBe(masked));

  it('phones and addresses', () => {
    expect(maskPhone('0912345678')).toBe('0912-***-678');
    expect(maskPhone('12')).toBe('***');
    expect(maskAddress('臺北市', '大安區')).toBe('臺北市大安區…');
  });
});

describe('postback data', () => {
  it.each<PostbackAction>([
    { action: 'checkout', payType: 'C', v: 'Ab3_-xYz9Q12', d: 'Abcdefgh12345678', h: 'z9huuc420Ot9AX8d', t: 1660 },
    { action: 'deliver', r: 12, v: 'Ab3_-xYz9Q12' },
    { action: 'deliver', d: 'Abcdefgh12345678' },
    { action: 'forget' },
    { action: 'forget', confirm: true },
  ])('round-trips %p', (p) => {
    expect(decodePostback(encodePostback(p))).toEqual(p);
  });

  it.each([
    'action=checkout&payType=C&v=x&d=short&h=abc&t=1',
    'action=checkout&payType=C&v=x&d=Abcdefgh12345678&t=1',
    'action=checkout&payType=C&v=x&d=Abcdefgh12345678&h=abc&t=-1',
    'action=deliver&r=abc',
    'action=deliver&d=../../x',
  ])('refuses %s', (data) => expect(decodePostback(data)).toBeUndefined());
});

describe('bubbles', () => {
  const items = Array.from({ length: 15 }, (_, i) => ({
    name: `非常長的商品名稱測試用阿里山高山烏龍茶禮盒 ${i}`,
    unitPrice: 1280,
    quantity: 99,
  }));

  it('the confirmation validates at the largest cart and carries what it is bound to', () => {
    const m = orderConfirmationMessage({
      items,
      subtotal: 1_900_800,
      fee: 0,
      total: 1_900_800,
      delivery: {
        method: 'cvs',
        name: '王小明',
        phone: '0912345678',
        subType: 'FAMIC2C',
        storeId: '006598',
        storeName: '全家青田店',
        storeAddress: '台北市大安區青田街一巷7號',
      },
      pickup: null,
      version: 'Ab3_-xYz9Q12',
      draftId: 'Abcdefgh12345678',
      hash: 'z9huuc420Ot9AX8d',
    });
    expect(validateMessages([m])).toEqual([]);
    const json = JSON.stringify(m);
    expect(json).toContain('免運');
    expect(json).toContain('全家青田店');
    expect(json).toContain('action=checkout&payType=A&v=Ab3_-xYz9Q12&d=Abcdefgh12345678&h=z9huuc420Ot9AX8d&t=1900800');
    expect(json).not.toContain('0912345678');
  });

  it('the delivery step validates with a saved recipient (label within LINE’s 40 characters)', () => {
    const m = deliveryStepMessage({
      subtotal: 680,
      unitCount: 1,
      offers: [
        { method: 'home', fee: 100 },
        { method: 'cvs', fee: 60 },
        { method: 'pickup', fee: 0 },
      ],
      toFreeShipping: 1320,
      pageUrl: `https://shop.example/delivery?t=${'x'.repeat(120)}`,
      saved: { id: 3, summary: '王*明 · 7-ELEVEN 一個名字非常非常非常非常非常非常長的門市名稱' },
      version: 'Ab3_-xYz9Q12',
    });
    expect(validateMessages([m])).toEqual([]);
    expect(JSON.stringify(m)).toContain('還差 NT$1,320 免運');
  });

  it('order rows show the masked recipient, never the street', () => {
    const d: OrderDelivery = {
      order_id: 1,
      method: 'home',
      recipient_name: '王小明',
      recipient_phone: '0912345678',
      postal_code: '106',
      city: '臺北市',
      district: '大安區',
      address: '和平東路一段12號',
      cvs_sub_type: null,
      store_id: null,
      store_name: null,
      store_address: null,
      anonymized_at: null,
    };
    const json = JSON.stringify(orderDeliveryRows(d));
    expect(json).toContain('106 臺北市大安區…');
    expect(json).not.toContain('和平東路');
    expect(json).not.toContain('0912345678');
  });
});

describe('form rules', () => {
  it('accepts the usual ways of writing a mobile number and normalizes it', () => {
    for (const phone of ['0912345678', '0912-345-678', '+886 912 345 678', '886912345678']) {
      const r = checkDeliveryForm(config, { method: 'pickup', name: '王小明', phone }, undefined);
      expect(r).toEqual({ ok: true, delivery: { method: 'pickup', name: '王小明', phone: '0912345678' } });
    }
  });

  it('a method switched off, a chain not offered, a store of another chain are refused', () => {
    expect(checkDeliveryForm({ ...config, pickup: null }, { method: 'pickup' }, undefined)).toMatchObject({
      ok: false,
      errors: { method: '請選擇取貨方式' },
    });
    const store = { subType: 'FAMIC2C' as const, storeId: '006598', storeName: '全家', storeAddress: '台北市' };
    const base = { method: 'cvs', name: '王小明', phone: '0912345678' };
    expect(checkDeliveryForm(config, { ...base, chain: 'OKMARTC2C' }, store)).toMatchObject({ ok: false });
    expect(checkDeliveryForm(config, { ...base, chain: 'UNIMARTC2C' }, store)).toMatchObject({
      ok: false,
      errors: { store: expect.stringContaining('選擇門市') },
    });
    expect(checkDeliveryForm(config, { ...base, chain: 'FAMIC2C' }, store)).toMatchObject({ ok: true });
  });
});

describe('page links', () => {
  const key = deliveryLinkKey('secret');
  const link = { userId: 'U0123456789abcdef0123456789abcdef', checkoutId: 'Abcdefgh12345678', expiresAt: 2_000 };
  it('verify only with the same key, user, checkout and expiry', () => {
    const t = mintDeliveryToken(key, link);
    expect(verifyDeliveryToken(key, t, 1_999)).toEqual({ ok: true, link });
    expect(verifyDeliveryToken(key, t, 2_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifyDeliveryToken(deliveryLinkKey('other'), t, 0)).toEqual({ ok: false, reason: 'invalid' });
    const [u, c, e, s] = t.split('.') as [string, string, string, string];
    expect(verifyDeliveryToken(key, [u, c, (Number.parseInt(e, 36) + 1).toString(36), s].join('.'), 0).ok).toBe(false);
    expect(verifyDeliveryToken(key, [u, 'Bbcdefgh12345678', e, s].join('.'), 0).ok).toBe(false);
    expect(verifyDeliveryToken(key, undefined, 0)).toEqual({ ok: false, reason: 'invalid' });
    expect(verifyDeliveryToken(key, ['x', 'y'], 0)).toEqual({ ok: false, reason: 'invalid' });
  });
});

describe('log redaction', () => {
  it('keeps recipients out of log lines', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    log.info({ delivery: { recipient_name: '王小明', recipient_phone: '0912345678', address: '和平東路一段12號' } });
    log.info({ body: { name: '王小明', phone: '0912345678', address: '和平東路一段12號' } });
    log.info({ reply: { ReceiverName: '王小明', ReceiverCellPhone: '0912345678', ReceiverAddress: '和平東路' } });
    const out = lines.join('');
    for (const secret of ['王小明', '0912345678', '和平東路']) expect(out).not.toContain(secret);
  });
});
