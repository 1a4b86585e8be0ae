/**
 * The shop's services without the app: a real database (per dialect), a fixed clock the test
 * advances, the bank simulator on an ephemeral port with a QPay client pointed at it — and no HTTP
 * app, no LINE simulator, no pollers. A test calls the services and ticks the jobs itself, then
 * reads order, payment and stock state and the queued notices (outbox `kind`s, never wording).
 *
 * Every service and repository function the service tests use is imported here and only here, so
 * a rename or a move in src/ is a change to this one file.
 */
import { type DeliveryConfig, loadConfig, type PaymentsConfig } from '../../src/config';
import type { Dialect } from '../../src/db/database';
import type { Order, OrderDelivery, Payment, PayType } from '../../src/db/types';
import { OrderSubmitter } from '../../src/jobs/order-submitter';
import { ExpirySweeper, Reconciler } from '../../src/jobs/payment-jobs';
import { silentLogger } from '../../src/logger';
import type { BankSimulator } from '../../src/sandbox/bank';
import { recordToken } from '../../src/shop/bank-notification-repository';
import { captureOrder, voidOrder } from '../../src/shop/capture-service';
import { addToCart, viewCartVersioned } from '../../src/shop/cart-service';
import { importCatalog } from '../../src/shop/catalog-import';
import { getProduct } from '../../src/shop/catalog-repository';
import { type CheckoutResult, checkout } from '../../src/shop/checkout-service';
import type { Delivery } from '../../src/shop/delivery';
import { orderDelivery } from '../../src/shop/delivery-repository';
import { getOrderByNo, ordersOfUser } from '../../src/shop/order-repository';
import { cancelOrder } from '../../src/shop/order-service';
import { paymentsOf, refundsOf } from '../../src/shop/payment-repository';
import { type ConfirmOutcome, createPaymentService } from '../../src/shop/payment-service';
import { refundOrder } from '../../src/shop/refund-service';
import { newUser } from '../checkout/helpers';
import { startHarness } from '../qpay/helpers';
import { createTestDatabase, type TestDatabase } from './databases';
import { confirmedDelivery, PICKUP, PICKUP_ENV } from './delivery';

export { EXPIRY_GRACE_MS } from '../../src/jobs/payment-jobs';
export { CaptureError } from '../../src/shop/capture-service';
export { RefundError } from '../../src/shop/refund-service';
export { dialects } from './databases';
export { newUser };

/** Where the bank sends its notifications: nothing listens there (the test delivers tokens itself). */
const NOBODY_LISTENS = 'http://127.0.0.1:9';

/** Where a test order goes (before the delivery step of issue 13 fills it at checkout). */
export type TestDelivery = Omit<OrderDelivery, 'order_id' | 'anonymized_at'>;

export interface Notice {
  kind: string;
  lineUserId: string;
}

export interface ServiceShop {
  database: TestDatabase;
  clock: { now(): number; advance(ms: number): void };
  /** The bank simulator: pay(orderNo), fail(orderNo), expire(orderNo), order(orderNo) … */
  bank: BankSimulator;
  config: PaymentsConfig;
  /** Fees and methods in force (門市自取 on, 宅配 100, 超商 60 unless options say otherwise). */
  deliveryConfig: DeliveryConfig;

  /** A product with this stock (nothing reserved), imported through the catalog import. */
  product(stock: number, price?: number): Promise<{ id: number; price: number }>;
  addToCart(userId: string, productId: number, count?: number): Promise<void>;
  /** The version a pay-type button shown now would carry. */
  cartVersion(userId: string): Promise<string>;
  /**
   * Checks out the open cart with `version` (default: the cart as it is now) and a confirmed
   * `delivery` (default 門市自取, free), in one transaction. `shownTotal`: the total the pay button showed.
   */
  checkout(
    userId: string,
    payType?: PayType,
    version?: string,
    delivery?: Delivery,
    shownTotal?: number,
  ): Promise<CheckoutResult>;
  /** Cart → order awaiting payment: add, check out (with `delivery`, default 門市自取), submitter tick. */
  placeOrder(
    userId: string,
    productId: number,
    quantity: number,
    payType?: PayType,
    delivery?: Delivery,
  ): Promise<Order>;
  /** The order's delivery snapshot. */
  orderDelivery(orderNo: string): ReturnType<typeof orderDelivery>;
  /**
   * A new customer's order of `quantity` of a new product with `stock` units, awaiting payment;
   * with `delivery`, the order carries that delivery method and recipient snapshot.
   */
  newOrder(o: {
    stock: number;
    quantity: number;
    price?: number;
    payType?: PayType;
    delivery?: TestDelivery;
  }): Promise<{
    user: string;
    product: { id: number; price: number };
    order: Order;
  }>;
  /** newOrder, then paid at the bank and confirmed. */
  newPaidOrder(o: {
    stock: number;
    quantity: number;
    price?: number;
    payType?: PayType;
    delivery?: TestDelivery;
  }): ReturnType<ServiceShop['newOrder']>;
  /** Another customer reserves every unit of the product still for sale. */
  sellOut(productId: number): Promise<void>;
  /** The customer pays at the bank and the shop confirms it (as the notification would); the PayToken. */
  pay(orderNo: string): Promise<string>;

  /** Makes the bank refuse OrderCreate for this OrderNo (it already has a bank order by that number). */
  bankRefuses(orderNo: string): Promise<void>;
  /** One round of the order submitter (OrderCreate at the bank). */
  submit(): Promise<boolean>;
  /** payment-service confirmPayment, as the bank's notification or the browser return call it. */
  confirm(payToken: string, source?: 'notify' | 'return' | 'reconcile'): Promise<ConfirmOutcome>;
  /** A bank notification as the notify route takes it (token recorded), then a reconciler round. */
  notified(payToken: string): Promise<void>;
  sweepExpired(): Promise<boolean>;
  reconcile(): Promise<boolean>;
  cancel(orderNo: string): Promise<boolean>;
  refund(orderNo: string, amount?: number): Promise<{ refunded: number }>;
  capture(orderNo: string): Promise<void>;
  voidAuthorization(orderNo: string): Promise<void>;

  order(orderNo: string): Promise<Order>;
  /** A customer's orders, newest first. */
  ordersOf(lineUserId: string): Promise<Order[]>;
  payments(orderNo: string): Promise<Payment[]>;
  refunds(orderNo: string): Promise<number[]>;
  stock(productId: number): Promise<{ stock: number; reserved: number }>;
  /** Queued notices, oldest first (all, or one customer's). */
  notices(lineUserId?: string): Promise<Notice[]>;
  /** The kinds of one customer's queued notices, oldest first. */
  noticeKinds(lineUserId: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface ServiceShopOptions {
  /** Overrides of the default payment settings (e.g. cardAutoCapture: false). */
  payments?: Partial<PaymentsConfig>;
  /** Runs in the payment's transaction when an order becomes paid (payment-service `afterPaid`). */
  afterPaid?: Parameters<typeof createPaymentService>[0]['afterPaid'];
  /** Delivery variables (DELIVERY_HOME_FEE, FREE_SHIPPING_THRESHOLD …) over PICKUP_ENV. */
  deliveryEnv?: Record<string, string>;
}

export async function startServiceShop(dialect: Dialect, options: ServiceShopOptions = {}): Promise<ServiceShop> {
  const database = await createTestDatabase(dialect);
  // ATM auto-payment and notification retries never happen on their own: the test decides.
  const {
    sim: bank,
    client: qpay,
    clock,
    close: closeBank,
  } = await startHarness({
    atmAutoPayDelayMs: 10 * 365 * 86_400_000,
    notificationRetryDelaysMs: [],
  });
  const db = database.db;
  const now = clock.now;
  // The product's defaults (CARD_PAY_MINUTES 20, auto-capture on …), changed only where a test says.
  const config: PaymentsConfig = { ...loadConfig({}).payments, ...options.payments };
  const deliveryConfig: DeliveryConfig = loadConfig({ ...PICKUP_ENV, ...options.deliveryEnv }).delivery;
  const quiet = { logger: silentLogger, onMessagesQueued: () => {} };
  const shopName = '測試商店';
  const payments = createPaymentService({ db, qpay, now, shopName, ...quiet, afterPaid: options.afterPaid });
  const submitter = new OrderSubmitter({ db, qpay, now, config, shopName, publicBaseUrl: NOBODY_LISTENS, ...quiet });
  const jobDeps = { db, payments, now, config, ...quiet };
  const sweeper = new ExpirySweeper(jobDeps);
  const reconciler = new Reconciler(jobDeps);
  let skus = 0;

  async function order(orderNo: string): Promise<Order> {
    const o = await getOrderByNo(db, orderNo);
    if (!o) throw new Error(`no order ${orderNo}`);
    return o;
  }

  async function cartVersion(userId: string): Promise<string> {
    return (await viewCartVersioned(db, userId)).version;
  }

  async function checkoutNow(
    userId: string,
    payType: PayType = 'C',
    version?: string,
    delivery: Delivery = PICKUP,
    shownTotal?: number,
  ): Promise<CheckoutResult> {
    const v = version ?? (await cartVersion(userId));
    const confirmed = await confirmedDelivery(db, userId, deliveryConfig, delivery, now());
    const d = { ...confirmed, total: shownTotal ?? confirmed.total };
    return db
      .transaction()
      .execute((trx) =>
        checkout(
          trx,
          { userId, payType, version: v, delivery: d, now: now(), replyToken: undefined, replyUntil: undefined },
          config,
          deliveryConfig,
        ),
      );
  }

  async function notices(lineUserId?: string): Promise<Notice[]> {
    let q = db.selectFrom('outbox').select(['kind', 'line_user_id']).orderBy('id');
    if (lineUserId !== undefined) q = q.where('line_user_id', '=', lineUserId);
    return (await q.execute()).map((r) => ({ kind: r.kind, lineUserId: r.line_user_id }));
  }

  const shop: ServiceShop = {
    database,
    clock,
    bank,
    config,
    deliveryConfig,
    async product(stock, price = 350) {
      skus += 1;
      const sku = `SVC-${skus}`;
      const row = { where: `item ${skus}`, sku, name: `測試商品 ${skus}`, category: '測試', price, stock };
      await importCatalog(db, [{ ...row, description: '', imageUrl: null }], now());
      const p = await db
        .selectFrom('products')
        .select(['id', 'price'])
        .where('sku', '=', sku)
        .executeTakeFirstOrThrow();
      return { id: p.id, price: p.price };
    },
    async addToCart(userId, productId, count = 1) {
      await db.transaction().execute((trx) => addToCart(trx, userId, productId, now(), count));
    },
    cartVersion,
    checkout: checkoutNow,
    async placeOrder(userId, productId, quantity, payType = 'C', delivery = PICKUP) {
      await shop.addToCart(userId, productId, quantity);
      const result = await checkoutNow(userId, payType, undefined, delivery);
      if (result.kind !== 'created') throw new Error(`checkout: ${result.kind}`);
      await submitter.tick();
      return order(result.order.order_no);
    },
    async newOrder({ stock, quantity, price, payType, delivery }) {
      const user = newUser();
      const product = await shop.product(stock, price);
      const placed = await shop.placeOrder(user, product.id, quantity, payType);
      if (delivery) {
        await db.transaction().execute(async (trx) => {
          await trx
            .updateTable('orders')
            .set({ delivery_method: delivery.method })
            .where('id', '=', placed.id)
            .execute();
          // The order went through the delivery step as 門市自取; the test's delivery replaces it.
          await trx.updateTable('order_deliveries').set(delivery).where('order_id', '=', placed.id).execute();
        });
      }
      return { user, product, order: await order(placed.order_no) };
    },
    async newPaidOrder(o) {
      const placed = await shop.newOrder(o);
      await shop.pay(placed.order.order_no);
      return placed;
    },
    async sellOut(productId) {
      const { stock, reserved } = await shop.stock(productId);
      await shop.placeOrder(newUser(), productId, stock - reserved);
    },
    async pay(orderNo) {
      const { payToken } = await bank.pay(orderNo);
      await payments.confirmPayment(payToken, 'notify');
      return payToken;
    },
    async bankRefuses(orderNo) {
      await qpay.orderCreate({ orderNo, amount: 1, prdtName: 'taken', payType: 'C', autoBilling: true });
    },
    submit: () => submitter.tick(),
    confirm: (token, source = 'notify') => payments.confirmPayment(token, source),
    async notified(token) {
      await recordToken(db, token, 'notify', now());
      await reconciler.tick();
    },
    sweepExpired: () => sweeper.tick(),
    reconcile: () => reconciler.tick(),
    async cancel(orderNo) {
      return db.transaction().execute(async (trx) => {
        const o = await getOrderByNo(trx, orderNo);
        return o ? cancelOrder(trx, o, now()) : false;
      });
    },
    refund: (orderNo, amount) => refundOrder(db, qpay, orderNo, amount, now),
    async capture(orderNo) {
      await captureOrder(db, qpay, orderNo, now);
    },
    async voidAuthorization(orderNo) {
      await voidOrder(db, qpay, orderNo, now);
    },
    order,
    orderDelivery: async (orderNo) => orderDelivery(db, (await order(orderNo)).id),
    ordersOf: (lineUserId) => ordersOfUser(db, lineUserId, 50),
    payments: async (orderNo) => paymentsOf(db, (await order(orderNo)).id),
    refunds: async (orderNo) => (await refundsOf(db, (await order(orderNo)).id)).map((r) => r.amount),
    async stock(productId) {
      const p = await getProduct(db, productId);
      if (!p) throw new Error(`no product ${productId}`);
      return { stock: p.stock, reserved: p.reserved };
    },
    notices,
    noticeKinds: async (lineUserId) => (await notices(lineUserId)).map((n) => n.kind),
    async close() {
      await closeBank();
      await database.drop();
    },
  };
  return shop;
}

/**
 * The shop of a describe block: started before its tests, closed after them. Tests share it (and
 * its clock), so each works with its own customer and products.
 */
export function useServiceShop(dialect: Dialect, options: ServiceShopOptions = {}): ServiceShop {
  let current: ServiceShop | undefined;
  beforeAll(async () => {
    current = await startServiceShop(dialect, options);
  });
  afterAll(() => current?.close());
  return new Proxy({} as ServiceShop, {
    get(_target, key) {
      if (!current) throw new Error('the service shop starts in beforeAll');
      return Reflect.get(current, key);
    },
  });
}
