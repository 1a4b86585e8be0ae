/**
 * Shipping's background jobs, safe on every instance at once:
 * - StoreShipmentCreator: queued ECPay store shipments (leased like the payment jobs) → Express/Create,
 *   each call outside any transaction (store-shipment-service.ts).
 * - ShippingTimers: home deliveries count as delivered DELIVERY_AUTO_COMPLETE_DAYS after shipping;
 *   store parcels still waiting shortly before their pickup deadline get a reminder; recipients of
 *   orders finished RECIPIENT_RETENTION_DAYS ago are anonymized. Each change is conditional, so two
 *   instances doing the same round change (and tell) once.
 */
import type { Kysely } from 'kysely';
import type { ShippingConfig } from '../config';
import type { DB, Order } from '../db/types';
import type { Logger } from '../logger';
import { anonymizeDeliveries } from '../shop/delivery-repository';
import { PICKUP_REMINDER_LEAD_MS } from '../shop/ecpay-status-service';
import { tellCustomer } from '../shop/notices';
import { getOrder, homeDeliveriesShippedBefore, moveFulfilment } from '../shop/order-repository';
import { claimDueShipments, markReminded, shipmentsToRemind } from '../shop/shipment-repository';
import { shipmentView } from '../shop/shipping-service';
import { createStoreShipment, type StoreShipmentDeps } from '../shop/store-shipment-service';
import { forEachConcurrently } from './concurrently';

const LEASE_MS = 60_000;
const BATCH = 50;

export class StoreShipmentCreator {
  constructor(private readonly deps: StoreShipmentDeps) {}

  /** True while there was work (the poller comes straight back). */
  async tick(): Promise<boolean> {
    const { db, now } = this.deps;
    const due = await claimDueShipments(db, now(), LEASE_MS, 20);
    await forEachConcurrently(due, 4, async (s) => {
      await createStoreShipment(this.deps, s);
    });
    return due.length > 0;
  }
}

export interface ShippingTimerDeps {
  db: Kysely<DB>;
  now: () => number;
  logger: Logger;
  config: Pick<ShippingConfig, 'deliveryAutoCompleteMs' | 'recipientRetentionMs'>;
  onMessagesQueued: () => void;
}

export interface ShippingTimersReport {
  delivered: number;
  reminded: number;
  anonymized: number;
}

export class ShippingTimers {
  constructor(private readonly deps: ShippingTimerDeps) {}

  async run(): Promise<ShippingTimersReport> {
    const { db, now, config, logger } = this.deps;
    const t = now();
    let delivered = 0;
    for (const order of await homeDeliveriesShippedBefore(db, t - config.deliveryAutoCompleteMs, BATCH)) {
      const moved = await db.transaction().execute(async (trx) => {
        if (!(await moveFulfilment(trx, order.id, 'completed', t, 'timer', 'DELIVERY_AUTO_COMPLETE_DAYS')))
          return false;
        await tellCustomer(trx, { kind: 'completed', order: (await getOrder(trx, order.id)) as Order }, t);
        return true;
      });
      if (moved) delivered++;
    }
    let reminded = 0;
    for (const s of await shipmentsToRemind(db, t + PICKUP_REMINDER_LEAD_MS, BATCH)) {
      const sent = await db.transaction().execute(async (trx) => {
        if (!(await markReminded(trx, s.id, t))) return false;
        const order = (await getOrder(trx, s.order_id)) as Order;
        await tellCustomer(trx, { kind: 'pickup_reminder', order, view: await shipmentView(trx, order, s), now: t }, t);
        return true;
      });
      if (sent) reminded++;
    }
    const anonymized = await anonymizeDeliveries(db, t - config.recipientRetentionMs, t, BATCH);
    if (delivered + reminded > 0) this.deps.onMessagesQueued();
    if (delivered + reminded + anonymized > 0) logger.info({ delivered, reminded, anonymized }, 'shipping timers');
    return { delivered, reminded, anonymized };
  }

  async tick(): Promise<boolean> {
    const r = await this.run();
    return r.delivered === BATCH || r.reminded === BATCH || r.anonymized === BATCH;
  }
}
