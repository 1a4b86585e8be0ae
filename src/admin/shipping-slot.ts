/**
 * PLUG — shipping (issue 14, built on another branch). The order page shows the actions this
 * returns in its 出貨 card (views/shipping.eta), and `shippingRoutes` is registered with the other
 * console routes under /admin. When the shipping service lands, the lead fills these two in:
 * ship with carrier + tracking number, create the ECPay store shipment, mark ready / picked up /
 * delivered — each a POST under /admin/orders/:no/… that asks the lifecycle (`canFulfil`) and
 * calls the shipping service with actor `merchant:<email>`, then `ctx.audit(…)`. The security
 * test picks the new routes up by itself (anonymous, CSRF); add staff rules with `config.role`.
 */
import type { FastifyInstance } from 'fastify';
import type { Order, OrderDelivery } from '../db/types';
import type { ConsoleContext } from './context';

export interface ShippingAction {
  /** Button label, e.g. 出貨. */
  label: string;
  /** POST target, e.g. /admin/orders/<no>/ship. */
  action: string;
  /** Form fields to ask for (carrier, tracking number …); none: a plain button. */
  fields: Array<{ name: string; label: string; required: boolean }>;
}

export function shippingActionsFor(_order: Order, _delivery: OrderDelivery | undefined): ShippingAction[] {
  return [];
}

export async function shippingRoutes(_app: FastifyInstance, _ctx: ConsoleContext): Promise<void> {}
