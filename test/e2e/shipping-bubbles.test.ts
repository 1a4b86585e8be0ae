/**
 * Every shipping notice as the customer sees it: pushed to the LINE simulator (which validates
 * messages like LINE and refuses what LINE would refuse) and photographed in its chat page at phone
 * width. Screenshots: test-artifacts/shipping-*.png (the README's copy: test/e2e/screenshots/).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { Order } from '../../src/db/types';
import type { Message } from '../../src/messages/common';
import { orderDetailMessage } from '../../src/messages/order-messages';
import {
  completedMessage,
  pickupReadyMessage,
  pickupReminderMessage,
  returnedMessage,
  type ShipmentView,
  shippedMessage,
  storeArrivalMessage,
} from '../../src/messages/shipping-messages';
import { type LineSimulator, startLineSimulator } from '../../src/sandbox/line';
import { CHROMIUM, launchChromium, newPhone } from './support/chat-flow';

const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const describeBrowser = existsSync(CHROMIUM) || process.env.CI === 'true' ? describe : describe.skip;
const TOKEN = 'shipping-bubbles-token';
const NOW = Date.UTC(2025, 5, 12, 6, 30);

const home = (carrier: 'tcat' | 'hct' | 'other', no: string): ShipmentView => ({
  order: { order_no: '250612K7Q2MX', delivery_method: 'home' },
  shipment: { carrier, tracking_no: no, sub_type: null, pickup_deadline: null },
  delivery: { recipient_name: '陳美麗', store_name: null, store_address: null, cvs_sub_type: null },
});
const store: ShipmentView = {
  order: { order_no: '250612P3WQ8N', delivery_method: 'cvs' },
  shipment: { carrier: null, tracking_no: null, sub_type: 'UNIMARTC2C', pickup_deadline: NOW + 7 * 86_400_000 },
  delivery: {
    recipient_name: '陳美麗',
    store_name: '青松門市',
    store_address: '台北市中正區青松路一段12號',
    cvs_sub_type: 'UNIMARTC2C',
  },
};
const fami: ShipmentView = {
  ...store,
  shipment: {
    ...(store.shipment as NonNullable<ShipmentView['shipment']>),
    sub_type: 'FAMIC2C',
    pickup_deadline: NOW + 2 * 86_400_000,
  },
  delivery: {
    recipient_name: '林志明',
    store_name: '全家青田店',
    store_address: '台北市大安區青田街一巷7號',
    cvs_sub_type: 'FAMIC2C',
  },
};

const paidAtStore: Order = {
  id: 1,
  order_no: '250612P3WQ8N',
  line_user_id: 'U0',
  cart_id: null,
  status: 'paid',
  pay_type: 'C',
  total: 640,
  refunded_amount: 0,
  expires_at: null,
  paid_at: NOW - 3 * 86_400_000,
  closed_at: null,
  failure_reason: null,
  attention: null,
  reply_token: null,
  reply_until: null,
  next_check_at: null,
  locked_until: null,
  created_at: NOW - 3 * 86_400_000,
  updated_at: NOW,
  delivery_method: 'cvs',
  shipping_fee: 0,
  fulfilment: 'at_store',
  fulfilment_at: NOW,
};

const BUBBLES: Array<[file: string, message: Message, waitFor: string]> = [
  [
    'shipping-order-detail.png',
    orderDetailMessage(
      {
        order: paidAtStore,
        items: [{ order_id: 1, product_id: 1, name: '凍頂烏龍茶 150g', unit_price: 320, quantity: 2 }],
      },
      ['continueShopping'],
    ),
    '已到店',
  ],
  ['shipping-shipped-tcat.png', shippedMessage(home('tcat', '903221488720')), '查詢貨態'],
  ['shipping-shipped-hct.png', shippedMessage(home('hct', '6812345678')), '前往新竹物流查詢'],
  ['shipping-shipped-store.png', shippedMessage(store), '到店時會再通知您'],
  ['shipping-store-arrival.png', storeArrivalMessage(store), '商品已送達門市'],
  ['shipping-pickup-reminder.png', pickupReminderMessage(fami, NOW), '取貨提醒'],
  ['shipping-pickup-ready.png', pickupReadyMessage('250612R8TT3Z', 'LINE 留言或 02-2345-6789'), '商品可以取貨了'],
  ['shipping-completed.png', completedMessage(store.order), '已完成取貨'],
  ['shipping-delivered.png', completedMessage(home('other', 'X').order), '商品已送達'],
  ['shipping-returned.png', returnedMessage(fami), '包裹已退回'],
];

describeBrowser('shipping notices in the LINE chat', () => {
  let sim: LineSimulator;
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    sim = await startLineSimulator({ channelSecret: 'shipping-bubbles-secret', channelAccessToken: TOKEN });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await sim?.close();
  });

  it('LINE accepts every bubble, and each renders at phone width', async () => {
    const { chat, errors } = await newPhone(browser, { width: 375, height: 760 });
    // Fetch the font subsets every bubble needs once, so each page below paints with them from the
    // cache (a run first painted before its subset arrived can stay as boxes in this headless Chromium).
    await chat.goto(`${sim.url}/`);
    const everything = JSON.stringify(BUBBLES.map(([, m]) => m));
    await chat.evaluate(async (t) => {
      await Promise.all([
        document.fonts.load(`400 16px "Noto Sans TC"`, t),
        document.fonts.load(`700 16px "Noto Sans TC"`, t),
      ]);
    }, everything);
    for (const [file, message, waitFor] of BUBBLES) {
      const user = sim.addUser().userId;
      const res = await fetch(`${sim.url}/v2/bot/message/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ to: user, messages: [message] }),
      });
      expect([file, res.status, await res.text()]).toEqual([file, 200, expect.stringContaining('sentMessages')]);
      await chat.goto(`${sim.url}/?user=${user}`);
      const bubble = chat.locator('.row.bot', { hasText: waitFor }).last();
      await bubble.waitFor();
      await bubble.screenshot({ path: join(ARTIFACTS, file) });
    }
    expect(errors).toEqual([]);
  }, 60_000);
});
