/**
 * The order page's 出貨 card: which shipping actions an order offers now, and their routes. The
 * lifecycle decides (`canFulfil`); the shipping service does the work, tells the customer and
 * records the move with the merchant's name; this file only maps buttons to those calls. Staff may
 * ship (it moves goods, not money), so these routes carry no owner-only rule.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Order, OrderDelivery, Shipment } from '../db/types';
import { CARRIER_INFO, CARRIERS } from '../messages/carriers';
import { pickupWhere } from '../messages/shipping-messages';
import { canFulfil, type OrderActor } from '../shop/order-lifecycle';
import {
  markDelivered,
  markPickedUp,
  markReadyForPickup,
  requestStoreShipment,
  ShippingError,
  type ShippingResult,
  shipHomeDelivery,
} from '../shop/shipping-service';
import type { ConsoleContext } from './context';

export interface ShippingAction {
  /** Button label, e.g. 出貨. */
  label: string;
  /** POST target, e.g. /admin/orders/<no>/ship. */
  action: string;
  /** Form fields to ask for (carrier, tracking number …); none: a plain button. */
  fields: Array<{
    name: string;
    label: string;
    required: boolean;
    /** A choice instead of free text. */
    options?: Array<{ value: string; label: string }>;
  }>;
}

const CARRIER_OPTIONS = CARRIERS.map((c) => ({ value: c, label: CARRIER_INFO[c].name }));

/** The actions the order's method and the lifecycle allow now (none for unpaid or closed orders). */
export function shippingActionsFor(
  order: Order,
  delivery: OrderDelivery | undefined,
  shipment: Shipment | undefined,
): ShippingAction[] {
  const base = `/admin/orders/${order.order_no}`;
  const method = delivery?.method ?? order.delivery_method ?? 'home';
  const out: ShippingAction[] = [];
  if (method === 'home') {
    if (canFulfil(order, 'shipped')) {
      out.push({
        label: '出貨',
        action: `${base}/ship`,
        fields: [
          { name: 'carrier', label: '貨運公司', required: true, options: CARRIER_OPTIONS },
          { name: 'tracking', label: '託運單號', required: true },
        ],
      });
    }
    if (canFulfil(order, 'completed')) out.push({ label: '標記已送達', action: `${base}/delivered`, fields: [] });
  } else if (method === 'pickup') {
    if (order.fulfilment === 'to_ship' && canFulfil(order, 'arrivedAtStore')) {
      out.push({ label: '通知顧客可取貨', action: `${base}/ready`, fields: [] });
    }
    if (order.fulfilment === 'at_store' && canFulfil(order, 'completed')) {
      out.push({ label: '標記已取貨', action: `${base}/picked-up`, fields: [] });
    }
  } else if (method === 'cvs') {
    const needsShipment = !shipment || shipment.status === 'refused' || shipment.status === 'failed';
    if (order.fulfilment === 'to_ship' && canFulfil(order, 'shipped') && needsShipment) {
      out.push({
        label: shipment ? '重新建立超商寄貨單' : '建立超商寄貨單',
        action: `${base}/store-shipment`,
        fields: [],
      });
    }
    // The store's "picked up" notice may never come (ECPay's notifications can be lost).
    if (order.fulfilment === 'at_store' && canFulfil(order, 'completed')) {
      out.push({ label: '標記已取貨', action: `${base}/picked-up`, fields: [] });
    }
  }
  return out;
}

type NoParams = { Params: { no: string } };
type Page = (
  req: FastifyRequest,
  reply: FastifyReply,
  order: Order,
  flash: { ok: boolean; text: string },
) => Promise<FastifyReply>;

export interface ShippingRouteHelpers {
  loadOrder(req: FastifyRequest<NoParams>, reply: FastifyReply): Promise<Order | undefined>;
  /** The order page again, with a message on top. */
  page: Page;
  actor(req: FastifyRequest): OrderActor;
}

export async function shippingRoutes(
  app: FastifyInstance,
  ctx: ConsoleContext,
  h: ShippingRouteHelpers,
): Promise<void> {
  const { db } = ctx.deps;

  /** Runs one shipping action: audit, wake the outbox for the customer's notice, show the outcome. */
  function route<B>(
    path: string,
    audit: string,
    done: string,
    run: (order: Order, req: FastifyRequest<NoParams & { Body: B }>) => Promise<ShippingResult>,
  ) {
    app.post<NoParams & { Body: B }>(`/orders/:no/${path}`, async (req, reply) => {
      const order = await h.loadOrder(req, reply);
      if (!order) return reply;
      try {
        const r = await run(order, req);
        if (!r.changed) return h.page(req, reply, r.order, { ok: true, text: '已經是這個狀態了，沒有重複通知顧客。' });
        await ctx.audit(req, audit, order.order_no, null);
        ctx.deps.wakeOutbox();
        return h.page(req, reply, r.order, { ok: true, text: done });
      } catch (err) {
        if (!(err instanceof ShippingError)) throw err;
        return h.page(req, reply.code(err.code === 'not_found' ? 404 : 409), order, { ok: false, text: err.message });
      }
    });
  }

  route<{ carrier?: string; tracking?: string }>('ship', 'ship', '已出貨，並已通知顧客（附查件資訊）。', (order, req) =>
    shipHomeDelivery(
      db,
      {
        orderNo: order.order_no,
        carrier: String(req.body?.carrier ?? ''),
        trackingNo: String(req.body?.tracking ?? ''),
      },
      ctx.deps.now(),
      h.actor(req),
    ),
  );
  route('delivered', 'mark_delivered', '已標記為已送達。', (order, req) =>
    markDelivered(db, order.order_no, ctx.deps.now(), h.actor(req)),
  );
  route('ready', 'mark_ready', '已通知顧客可以來取貨。', async (order, req) => {
    const { profile, delivery } = await ctx.deps.settings.get();
    const where = pickupWhere(delivery.pickup, profile.contact);
    return markReadyForPickup(db, order.order_no, ctx.deps.now(), h.actor(req), where);
  });
  route('picked-up', 'mark_picked_up', '已標記為已取貨，訂單完成。', (order, req) =>
    markPickedUp(db, order.order_no, ctx.deps.now(), h.actor(req)),
  );
  route('store-shipment', 'store_shipment', '已送出超商寄貨單，綠界回覆後這裡會顯示寄貨編號。', (order, req) =>
    requestStoreShipment(db, order.order_no, ctx.deps.now(), h.actor(req)),
  );
}
