/**
 * Orders: the list (tabs, search, paging), one order's page, its money actions (refund with a
 * confirm step, capture, void, cancel unpaid, mark handled) and packing slips. Every action is
 * decided by the lifecycle (order-actions.ts reads it) and done by the shop's services; the
 * console adds who did it (timeline actor, audit log) and wakes the outbox for the customer's notice.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Order } from '../db/types';
import { CARRIER_INFO, isCarrier } from '../messages/carriers';
import { CaptureError, captureOrder, voidOrder } from '../shop/capture-service';
import { orderDelivery } from '../shop/delivery-repository';
import { getOrderByNo, orderItems, orderTimeline, recordOrderEvent, updateOrder } from '../shop/order-repository';
import { merchantCancelOrder } from '../shop/order-service';
import { paymentsOf, refundsOf } from '../shop/payment-repository';
import { RefundError, refundOrder } from '../shop/refund-service';
import { shipmentOfOrder } from '../shop/shipment-repository';
import { countOrdersByTab, findOrders, ORDER_TABS, type OrderTab, TAB_LABELS } from './console-repository';
import type { ConsoleContext } from './context';
import {
  actorLabel,
  attentionText,
  deliveryLabel,
  eventLabel,
  fulfilmentLabel,
  maskName,
  money,
  needsAttention,
  noticeLabel,
  parseAmount,
  paymentStatusLabel,
  STATUS_LABELS,
  when,
} from './format';
import { orderActions } from './order-actions';
import { shippingActionsFor, shippingRoutes } from './shipping-slot';

const PAGE_SIZE = 20;
const ORDER_NO = /^[A-Z0-9]{6,30}$/;

type NoParams = { Params: { no: string } };

function statusChip(o: Order): { text: string; warn: boolean } {
  if (needsAttention(o)) return { text: '需處理', warn: true };
  if (o.status === 'paid' && o.fulfilment) return { text: fulfilmentLabel(o.fulfilment), warn: false };
  return { text: STATUS_LABELS[o.status], warn: false };
}

export async function orderRoutes(app: FastifyInstance, ctx: ConsoleContext): Promise<void> {
  const { db } = ctx.deps;
  const actor = (req: FastifyRequest) => `merchant:${ctx.user(req).email}` as const;

  async function loadOrder(req: FastifyRequest<NoParams>, reply: FastifyReply): Promise<Order | undefined> {
    const no = req.params.no;
    const order = ORDER_NO.test(no) ? await getOrderByNo(db, no) : undefined;
    if (!order) await ctx.message(req, reply, 404, '找不到訂單', `沒有訂單編號 ${no}。`, '/admin/orders');
    return order;
  }

  async function orderPage(req: FastifyRequest, reply: FastifyReply, order: Order, flash: Flash | null) {
    const [items, payments, refunds, delivery, timeline, shipment] = await Promise.all([
      orderItems(db, order.id),
      paymentsOf(db, order.id),
      refundsOf(db, order.id),
      orderDelivery(db, order.id),
      orderTimeline(db, order.id),
      shipmentOfOrder(db, order.id),
    ]);
    const user = ctx.user(req);
    return ctx.render(req, reply, 'order', {
      title: `訂單 ${order.order_no}`,
      active: 'orders',
      flash,
      order,
      chip: statusChip(order),
      statusLabel: STATUS_LABELS[order.status],
      fulfilment: fulfilmentLabel(order.fulfilment),
      attention: attentionText(order),
      items,
      subtotal: order.total - order.shipping_fee,
      payments,
      refunds,
      delivery,
      deliveryLabel: deliveryLabel(order.delivery_method),
      timeline: timeline.map((e) => ({
        ...e,
        label: eventLabel(e.event),
        detail: e.event === 'noticeSent' ? noticeLabel(e.detail) : e.detail,
        who: actorLabel(e.actor),
      })),
      actions: orderActions(order, payments, needsAttention(order)),
      isOwner: user.role === 'owner',
      shipping: shippingActionsFor(order, delivery, shipment),
      shipment,
      carrierName: (c: string | null) => (c && isCarrier(c) ? CARRIER_INFO[c].name : (c ?? '')),
      payLabel: paymentStatusLabel,
      money,
      when,
    });
  }

  app.get<{ Querystring: { tab?: string; q?: string; page?: string } }>('/orders', async (req, reply) => {
    const tab: OrderTab = ORDER_TABS.includes(req.query.tab as OrderTab) ? (req.query.tab as OrderTab) : 'to_ship';
    const query = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 60) : '';
    const page = Math.max(0, Math.min(10_000, Number.parseInt(req.query.page ?? '0', 10) || 0));
    const [{ rows, more }, counts] = await Promise.all([
      findOrders(db, { tab, query, page, pageSize: PAGE_SIZE }),
      countOrdersByTab(db),
    ]);
    const link = (p: number) =>
      `/admin/orders?${new URLSearchParams(query ? { q: query, page: String(p) } : { tab, page: String(p) })}`;
    return ctx.render(req, reply, 'orders', {
      title: '訂單',
      active: 'orders',
      tabs: ORDER_TABS.map((t) => ({ key: t, label: TAB_LABELS[t], count: counts[t] })),
      tab,
      query,
      rows: rows.map((o) => ({
        ...o,
        chip: statusChip(o),
        who: o.recipient_name ? maskName(o.recipient_name) : '',
        delivery: deliveryLabel(o.delivery_method),
      })),
      prev: page > 0 ? link(page - 1) : null,
      next: more ? link(page + 1) : null,
      money,
      when,
    });
  });

  app.get<NoParams>('/orders/:no', async (req, reply) => {
    const order = await loadOrder(req, reply);
    return order ? orderPage(req, reply, order, null) : reply;
  });

  /** Refund: without `confirm` it shows the amount to confirm; with it, the bank is asked. */
  app.post<NoParams & { Body: { amount?: string; confirm?: string } }>(
    '/orders/:no/refund',
    { config: { role: 'owner' } },
    async (req, reply) => {
      const order = await loadOrder(req, reply);
      if (!order) return reply;
      const payments = await paymentsOf(db, order.id);
      const allowed = orderActions(order, payments, needsAttention(order));
      if (allowed.refundable <= 0) return orderPage(req, reply.code(409), order, bad('這筆訂單目前不能退款。'));
      const amount = allowed.refundFullOnly ? allowed.refundable : parseAmount(req.body?.amount);
      if (amount === undefined || amount <= 0 || amount > allowed.refundable) {
        return orderPage(req, reply.code(400), order, bad(`請輸入 1 到 ${money(allowed.refundable)} 之間的整數金額。`));
      }
      if (req.body?.confirm !== 'yes') {
        return ctx.render(req, reply, 'refund-confirm', {
          title: `確認退款 ${order.order_no}`,
          active: 'orders',
          order,
          amount,
          full: amount === allowed.refundable,
          left: allowed.refundable,
          money,
        });
      }
      try {
        const r = await refundOrder(
          db,
          requireQpay(ctx),
          order.order_no,
          amount === order.total - order.refunded_amount ? undefined : amount,
          ctx.deps.now,
          actor(req),
        );
        await ctx.audit(req, 'refund', order.order_no, String(r.refunded));
        ctx.deps.wakeOutbox();
        return orderPage(req, reply, r.order, good(`已退款 ${money(r.refunded)}，並已通知顧客。`));
      } catch (err) {
        if (!(err instanceof RefundError)) throw err;
        await ctx.audit(req, 'refund_refused', order.order_no, `${amount}: ${err.message}`);
        return orderPage(
          req,
          reply.code(409),
          (await getOrderByNo(db, order.order_no)) as Order,
          bad(`退款沒有完成：${err.message}`),
        );
      }
    },
  );

  for (const kind of ['capture', 'void'] as const) {
    app.post<NoParams>(`/orders/:no/${kind}`, { config: { role: 'owner' } }, async (req, reply) => {
      const order = await loadOrder(req, reply);
      if (!order) return reply;
      try {
        const run = kind === 'capture' ? captureOrder : voidOrder;
        const r = await run(db, requireQpay(ctx), order.order_no, ctx.deps.now, actor(req));
        await ctx.audit(req, kind, order.order_no, String(order.total));
        ctx.deps.wakeOutbox();
        const fresh = (await getOrderByNo(db, order.order_no)) as Order;
        const text = kind === 'capture' ? `已請款 ${money(order.total)}。` : '已取消信用卡授權，訂單已取消並通知顧客。';
        return orderPage(req, reply, r ? fresh : order, good(text));
      } catch (err) {
        if (!(err instanceof CaptureError)) throw err;
        return orderPage(req, reply.code(409), order, bad(`沒有完成：${err.message}`));
      }
    });
  }

  app.post<NoParams>('/orders/:no/cancel', async (req, reply) => {
    const order = await loadOrder(req, reply);
    if (!order) return reply;
    const done = await db.transaction().execute((trx) => merchantCancelOrder(trx, order, ctx.deps.now(), actor(req)));
    const fresh = (await getOrderByNo(db, order.order_no)) as Order;
    if (!done) return orderPage(req, reply.code(409), fresh, bad('這筆訂單已不是待付款，無法取消。'));
    await ctx.audit(req, 'cancel_unpaid', order.order_no, null);
    ctx.deps.wakeOutbox();
    return orderPage(req, reply, fresh, good('已取消訂單，保留的商品已釋出，並已通知顧客。'));
  });

  app.post<NoParams>('/orders/:no/resolve', { config: { role: 'owner' } }, async (req, reply) => {
    const order = await loadOrder(req, reply);
    if (!order) return reply;
    if (!order.attention) return orderPage(req, reply, order, null);
    const t = ctx.deps.now();
    await db.transaction().execute(async (trx) => {
      await updateOrder(trx, order.id, { attention: null }, t);
      await recordOrderEvent(trx, order.id, 'attentionResolved', actor(req), t, order.attention);
    });
    await ctx.audit(req, 'attention_resolved', order.order_no, order.attention);
    return orderPage(req, reply, (await getOrderByNo(db, order.order_no)) as Order, good('已標記為處理完成。'));
  });

  /** Packing slips, one or many: /admin/slips?no=A&no=B (the list's 列印出貨單 sends the ticked ones). */
  app.get<{ Querystring: { no?: string | string[] } }>('/slips', async (req, reply) => {
    const raw = req.query.no;
    const nos = [...new Set((Array.isArray(raw) ? raw : raw ? [raw] : []).filter((n) => ORDER_NO.test(n)))].slice(
      0,
      50,
    );
    const slips = [];
    for (const no of nos) {
      const order = await getOrderByNo(db, no);
      if (!order) continue;
      slips.push({
        order,
        items: await orderItems(db, order.id),
        delivery: await orderDelivery(db, order.id),
        deliveryLabel: deliveryLabel(order.delivery_method),
      });
    }
    if (slips.length === 0)
      return ctx.message(req, reply, 400, '沒有選擇訂單', '請先勾選要列印的訂單。', '/admin/orders');
    await ctx.audit(req, 'packing_slips', nos.join(','), null);
    return ctx.render(req, reply, 'slips', { title: '出貨單', printable: true, slips, money, when });
  });

  await shippingRoutes(app, ctx, { loadOrder, page: orderPage, actor });
}

interface Flash {
  ok: boolean;
  text: string;
}
const good = (text: string): Flash => ({ ok: true, text });
const bad = (text: string): Flash => ({ ok: false, text });

function requireQpay(ctx: ConsoleContext) {
  if (!ctx.deps.qpay) throw Object.assign(new Error('尚未設定 QPay，無法處理款項。'), { statusCode: 409 });
  return ctx.deps.qpay;
}
