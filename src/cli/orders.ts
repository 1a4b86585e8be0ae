/**
 * Merchant CLI: `npm run orders -- list [status|--to-ship|--shipped|--at-store|--completed|--returned]`,
 * `show <OrderNo>`, the shipping commands of orders-shipping.ts, `refund <OrderNo> [amount]`,
 * `capture <OrderNo>` and `void <OrderNo>` (card payments authorized with CARD_AUTO_CAPTURE=false),
 * `dead-letters` (LINE events and messages the shop gave up on), `quota` (the month's LINE pushes
 * against the budget, and the notices held for the customers' next replies; `quota release` lets
 * them go out as pushes again, e.g. after a plan upgrade).
 * Uses the same DATABASE_URL and QPAY_* settings as the shop (in sandbox mode: the bank simulator).
 */
import { ConfigError, environmentWithDotEnv, loadConfig, type QpayConfig } from '../config';
import { openDatabase } from '../db/database';
import type { OrderStatus, Payment } from '../db/types';
import { releaseHeld } from '../line/held-outbox-repository';
import { failedEvents } from '../line/inbox-repository';
import { deadMessages } from '../line/outbox-repository';
import { createLogger, logOrderEvent } from '../logger';
import { formatPrice, formatTaiwanDateTime, orderCopy } from '../messages/copy';
import { METHOD_LABELS } from '../messages/delivery-copy';
import { pickupWhere } from '../messages/shipping-messages';
import { createQpayClient, QpayError } from '../qpay';
import { sandboxQpayConfig } from '../sandbox-credentials';
import { CaptureError, captureOrder, voidOrder } from '../shop/capture-service';
import { orderDelivery } from '../shop/delivery-repository';
import { FULFILMENT_LABELS, readLatePayment } from '../shop/order-lifecycle';
import { getOrderByNo, listOrders, orderItems } from '../shop/order-repository';
import {
  isAuthorizedNotCaptured,
  ordersAuthorizedNotCaptured,
  paymentsOf,
  refundsOf,
} from '../shop/payment-repository';
import { heldNotices, pushBudgetStatus } from '../shop/push-budget';
import { RefundError, refundOrder } from '../shop/refund-service';
import { ShippingError } from '../shop/shipping-service';
import { attentionNote } from './attention';
import { LIST_FILTERS, printShipping, runShippingCommand, SHIPPING_USAGE } from './orders-shipping';
import { quotaReport } from './quota-report';

const USAGE = `usage: npm run orders -- list [status|--to-ship|--shipped|--at-store|--completed|--returned] | show <OrderNo> | refund <OrderNo> [amount] | capture <OrderNo> | void <OrderNo> | dead-letters | quota [release] | ${SHIPPING_USAGE}`;

const AUTHORIZED = 'authorized, not captured';

/** How a paid card payment stands with the bank: captured, authorized only, or its authorization cancelled. */
function captureState(p: Payment): string {
  if (p.status !== 'paid' || p.pay_type !== 'C') return '';
  if (p.voided_at !== null) return ` authorization cancelled ${formatTaiwanDateTime(p.voided_at)}`;
  if (p.captured_at !== null) return ` captured ${formatTaiwanDateTime(p.captured_at)}`;
  return isAuthorizedNotCaptured(p) ? ` ${AUTHORIZED}` : '';
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** First line of an error, short: enough to recognise it (the full text stays in the database). */
const firstLine = (e: string | null) => (e ?? '').split('\n')[0]?.slice(0, 120) ?? '';

/** What the shop gave up on: events that failed every attempt, messages LINE never took. */
async function printDeadLetters(db: Parameters<typeof failedEvents>[0]): Promise<void> {
  const events = await failedEvents(db, 50);
  const messages = await deadMessages(db, 50);
  if (events.length === 0 && messages.length === 0) console.log('no dead letters');
  for (const e of events) {
    console.log(
      [
        'event  ',
        pad(e.webhook_event_id, 26),
        pad(e.event_type, 9),
        `${e.attempts} attempts`,
        e.processed_at ? formatTaiwanDateTime(e.processed_at) : '-',
        firstLine(e.last_error),
      ].join('  '),
    );
  }
  for (const m of messages) {
    console.log(
      [
        'message',
        pad(`#${m.id}`, 26),
        pad(m.kind, 9),
        `${m.attempts} attempts`,
        formatTaiwanDateTime(m.created_at),
        firstLine(m.last_error),
      ].join('  '),
    );
  }
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfig(environmentWithDotEnv());
  const [command, arg, amountText] = argv;
  const database = openDatabase(config.databaseUrl);
  const db = database.db;
  // Captures, cancellations and refunds are business events: one JSON line each on stderr, in the
  // shop's log format (stdout stays the human answer).
  const log = createLogger(config.logLevel, 2).child({ cli: 'orders' });
  try {
    const shipping = await runShippingCommand(
      db,
      command,
      argv.slice(1),
      config.shopName,
      pickupWhere(config.delivery.pickup, config.profile.contact),
      config.ecpayLogistics !== undefined && config.shipping.sender !== undefined,
    );
    if (shipping !== undefined) return shipping;
    if (command === 'list') {
      const filter = arg === undefined ? undefined : LIST_FILTERS[arg];
      if (arg?.startsWith('--') && !filter) {
        console.error(USAGE);
        return 2;
      }
      const orders = filter
        ? await listOrders(db, 200, undefined, filter)
        : await listOrders(db, 50, arg as OrderStatus | undefined);
      if (orders.length === 0) console.log('no orders');
      const uncaptured = await ordersAuthorizedNotCaptured(
        db,
        orders.map((o) => o.id),
      );
      for (const o of orders) {
        console.log(
          [
            pad(o.order_no, 14),
            pad(o.status, 17),
            o.pay_type === 'C' ? 'card' : 'ATM ',
            pad(formatPrice(o.total), 10),
            formatTaiwanDateTime(o.created_at),
            o.fulfilment ? ` ${pad(FULFILMENT_LABELS[o.fulfilment], 3)} ${o.delivery_method ?? ''}` : '',
            uncaptured.has(o.id) ? `  ${AUTHORIZED}` : '',
            o.attention ? `  ${attentionNote(o)}` : '',
          ].join('  '),
        );
      }
      return 0;
    }
    if (command === 'dead-letters') {
      await printDeadLetters(db);
      return 0;
    }
    if (command === 'quota' && arg === 'release') {
      const released = await releaseHeld(db, Date.now(), undefined);
      console.log(
        `${released} held message(s) go out again as pushes when the shop next runs its outbox; the budget decides again (lower-ranked notices stay held while it is nearly spent)`,
      );
      return 0;
    }
    if (command === 'quota') {
      const status = await pushBudgetStatus(db, config.linePushBudget, Date.now());
      for (const line of quotaReport(status, await heldNotices(db, 50))) console.log(line);
      return 0;
    }
    if (command === 'show' && arg) {
      const o = await getOrderByNo(db, arg);
      if (!o) {
        console.error(`no order ${arg}`);
        return 1;
      }
      console.log(
        `order ${o.order_no}  ${o.status} (${orderCopy.status[o.status]})  ${o.pay_type === 'C' ? 'card' : 'ATM'}`,
      );
      console.log(`customer ${o.line_user_id}`);
      console.log(
        `created ${formatTaiwanDateTime(o.created_at)}  deadline ${o.expires_at ? formatTaiwanDateTime(o.expires_at) : '-'}  paid ${o.paid_at ? formatTaiwanDateTime(o.paid_at) : '-'}`,
      );
      for (const i of await orderItems(db, o.id)) {
        console.log(
          `  ${pad(i.name, 20)} ${formatPrice(i.unit_price)} × ${i.quantity} = ${formatPrice(i.unit_price * i.quantity)}`,
        );
      }
      console.log(
        `total ${formatPrice(o.total)} (shipping ${formatPrice(o.shipping_fee)})  refunded ${formatPrice(o.refunded_amount)}`,
      );
      // The full recipient: the merchant needs it to ship (the chat only ever shows it masked).
      const d = await orderDelivery(db, o.id);
      if (d) {
        console.log(`delivery ${d.method} (${METHOD_LABELS[d.method]})`);
        if (d.anonymized_at) console.log('  recipient: anonymized');
        else console.log(`  recipient ${d.recipient_name}  ${d.recipient_phone}`);
        if (d.method === 'home')
          console.log(`  address ${d.postal_code ?? ''} ${d.city ?? ''}${d.district ?? ''}${d.address ?? ''}`);
        if (d.method === 'cvs') {
          console.log(
            `  store ${d.cvs_sub_type ?? ''} ${d.store_id ?? ''} ${d.store_name ?? ''}  ${d.store_address ?? ''}`,
          );
        }
      } else if (o.delivery_method === null) {
        console.log('delivery -  (placed before the delivery step)');
      }
      if (o.attention) console.log(`ATTENTION: ${attentionNote(o)} [${o.attention}]`);
      const late = readLatePayment(o.attention);
      if (late)
        console.log(`customer told (chat and result page): ${orderCopy.late(late, o.order_no, formatPrice(o.total))}`);
      if (o.failure_reason) console.log(`failure: ${o.failure_reason}`);
      const payments = await paymentsOf(db, o.id);
      if (o.status === 'paid' && payments.some(isAuthorizedNotCaptured)) {
        console.log(
          `${AUTHORIZED.toUpperCase()}: capture with \`npm run orders -- capture ${o.order_no}\`, or cancel the authorization with \`void ${o.order_no}\``,
        );
      }
      for (const p of payments) {
        console.log(
          `  bank order ${p.bank_order_no} #${p.attempt} ${p.status} TSNo ${p.ts_no ?? '-'}${p.atm_pay_no ? ` ATM ${p.atm_pay_no}` : ''}${p.card_last4 ? ` card …${p.card_last4}` : ''}${captureState(p)}${p.bank_description ? ` (${p.bank_description})` : ''}`,
        );
      }
      for (const r of await refundsOf(db, o.id)) {
        console.log(
          `  refund ${formatPrice(r.amount)} at ${formatTaiwanDateTime(r.created_at)} ${r.bank_description ?? ''}`,
        );
      }
      await printShipping(db, o);
      return 0;
    }
    const qpayConfig = (): QpayConfig =>
      config.qpay ??
      (config.mode === 'sandbox'
        ? sandboxQpayConfig(config.sandbox.bankSimPort)
        : (() => {
            throw new ConfigError('QPAY_SHOP_NO', `QPay is not configured; cannot ${command}`);
          })());
    if ((command === 'capture' || command === 'void') && arg) {
      const qpay = createQpayClient(qpayConfig());
      try {
        if (command === 'capture') {
          const r = await captureOrder(db, qpay, arg, Date.now);
          logOrderEvent(log, 'captured', { orderNo: r.order.order_no, amount: r.order.total });
          console.log(
            `captured ${formatPrice(r.order.total)} of ${r.order.order_no} (${r.description}) at ${formatTaiwanDateTime(r.payment.captured_at ?? Date.now())}`,
          );
        } else {
          const r = await voidOrder(db, qpay, arg, Date.now);
          logOrderEvent(log, 'cancelled', { orderNo: r.order.order_no, amount: r.order.total }, { by: 'merchant' });
          console.log(
            `cancelled the card authorization of ${r.order.order_no} (${r.description}); order is now ${r.order.status}, its items are back in stock`,
          );
          console.log('the customer gets a notice in LINE (no charge will be made) when the shop is running');
        }
      } finally {
        await qpay.close();
      }
      return 0;
    }
    if (command === 'refund' && arg) {
      if (amountText !== undefined && !/^\d+$/.test(amountText)) {
        console.error('amount must be a whole number of NT$');
        return 1;
      }
      const qpay = createQpayClient(qpayConfig());
      try {
        const r = await refundOrder(db, qpay, arg, amountText === undefined ? undefined : Number(amountText), Date.now);
        logOrderEvent(
          log,
          'refunded',
          { orderNo: r.order.order_no, amount: r.refunded },
          { orderTotal: r.order.total, refundedInAll: r.order.refunded_amount },
        );
        console.log(
          `refunded ${formatPrice(r.refunded)} of ${r.order.order_no} (${r.description}); order is now ${r.order.status}, refunded ${formatPrice(r.order.refunded_amount)} in all`,
        );
        console.log('the customer gets a refund notice in LINE when the shop is running');
      } finally {
        await qpay.close();
      }
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (err) {
    if (
      err instanceof ShippingError ||
      err instanceof RefundError ||
      err instanceof CaptureError ||
      err instanceof QpayError ||
      err instanceof ConfigError
    ) {
      console.error(`orders: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`orders: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
