/**
 * ECPay's status notifications (verified by the route) applied to the order, in one transaction:
 * recorded once (a re-send is acknowledged and ignored), mapped by the library's status table
 * (spec §7) to a fulfilment move, and the customer told when the order moved. Out-of-order arrival
 * is harmless: every move is conditional, so a late "arrived" after "picked up" moves nothing.
 * Unknown codes are recorded with ECPay's message and change nothing.
 */
import type { Kysely } from 'kysely';
import type { Executor } from '../db/database';
import type { DB, Order, Shipment } from '../db/types';
import { fromEcpayDate, type ShipmentStatus } from '../ecpay';
import type { LogisticsMeaning } from '../ecpay/status';
import type { Notice } from './notices';
import { tellCustomer } from './notices';
import type { FulfilmentEvent } from './order-lifecycle';
import { getOrder, moveFulfilment, recordOrderEvent, updateOrder } from './order-repository';
import {
  getShipment,
  recordArrival,
  recordEcpayCreated,
  recordStatusNotification,
  setNotificationOutcome,
  shipmentForEcpay,
  updateEcpayStatus,
} from './shipment-repository';
import { flagShipment, shipmentView } from './shipping-service';

/**
 * How long a parcel waits at the store. ECPay does not send the deadline; 7-ELEVEN and FamilyMart
 * keep store-to-store parcels 7 days after arrival [?: chains' own help pages, not ECPay's spec].
 */
export const STORE_PICKUP_DAYS = 7;
/** The reminder goes out this long before the deadline when the parcel is still there. */
export const PICKUP_REMINDER_LEAD_MS = 2 * 86_400_000;

export type StatusOutcome =
  /** The order moved (and the customer was told, where there is something to tell). */
  | 'moved'
  /** Recorded; nothing to move (created, in transit again, a late or out-of-order status). */
  | 'recorded'
  /** The same status was recorded before: acknowledged, ignored. */
  | 'duplicate'
  /** A code the table does not know: recorded with ECPay's message, the order left as it is. */
  | 'unknown'
  /** The merchant must look (store closed, parcel lost, drop-off deadline missed …). */
  | 'attention'
  /** Not a shipment of this shop (or not yet known): answered 0| so ECPay tries again. */
  | 'unknown_shipment';

/** Meanings that move the order, with the move and whether the customer hears of it. */
const MOVES: Partial<Record<LogisticsMeaning, { event: FulfilmentEvent; notice?: Notice['kind'] }>> = {
  sent: { event: 'shipped', notice: 'shipped' },
  in_transit: { event: 'inTransit' },
  arrived_at_store: { event: 'arrivedAtStore', notice: 'store_arrival' },
  picked_up: { event: 'completed', notice: 'completed' },
  returning: { event: 'returned', notice: 'returned' },
  returned_to_sender_store: { event: 'returned', notice: 'returned' },
  returned: { event: 'returned', notice: 'returned' },
  return_uncollected: { event: 'returned', notice: 'returned' },
};

/** Meanings the merchant has to act on. */
const NEEDS_MERCHANT: ReadonlySet<LogisticsMeaning> = new Set([
  'store_closed',
  'drop_off_expired',
  'lost',
  'cancelled',
]);

async function tell(trx: Executor, kind: Notice['kind'], order: Order, shipment: Shipment, now: number) {
  const view = await shipmentView(trx, order, shipment);
  if (kind === 'shipped') await tellCustomer(trx, { kind, order, view }, now);
  else if (kind === 'store_arrival') await tellCustomer(trx, { kind, order, view }, now);
  else if (kind === 'returned') await tellCustomer(trx, { kind, order, view }, now);
  else if (kind === 'completed') await tellCustomer(trx, { kind, order }, now);
}

export async function applyEcpayStatus(db: Kysely<DB>, s: ShipmentStatus, now: number): Promise<StatusOutcome> {
  return db.transaction().execute(async (trx) => {
    let shipment = await shipmentForEcpay(trx, s.allPayLogisticsId, s.merchantTradeNo);
    if (shipment?.kind !== 'ecpay') return 'unknown_shipment';
    if (shipment.all_pay_logistics_id !== null && shipment.all_pay_logistics_id !== s.allPayLogisticsId) {
      return 'unknown_shipment';
    }
    if (shipment.status === 'queued' || shipment.status === 'failed') {
      // The first notification overtook Create's answer (or Create's answer was lost): it is verified, so it says ECPay has it.
      await recordEcpayCreated(
        trx,
        shipment.id,
        {
          allPayLogisticsId: s.allPayLogisticsId,
          cvsPaymentNo: s.cvsPaymentNo,
          cvsValidationNo: s.cvsValidationNo,
          code: s.rtnCode,
          message: s.rtnMsg,
        },
        now,
      );
      await recordOrderEvent(trx, shipment.order_id, 'shipmentCreated', 'ecpay', now, `ECPay ${s.allPayLogisticsId}`);
      const flagged = await getOrder(trx, shipment.order_id);
      if (flagged?.attention?.startsWith('shipment_failed'))
        await updateOrder(trx, flagged.id, { attention: null }, now);
      shipment = (await getShipment(trx, shipment.id)) as Shipment;
    }
    const fresh = await recordStatusNotification(
      trx,
      {
        shipmentId: shipment.id,
        code: s.rtnCode,
        message: s.rtnMsg,
        statusDate: s.updateStatusDate,
        meaning: s.meaning,
        outcome: 'recorded',
      },
      now,
    );
    if (!fresh) return 'duplicate';
    const statusAt = fromEcpayDate(s.updateStatusDate) ?? now;
    await updateEcpayStatus(trx, shipment.id, { code: s.rtnCode, message: s.rtnMsg, at: statusAt }, now);
    const order = (await getOrder(trx, shipment.order_id)) as Order;
    const detail = `${s.rtnCode} ${s.rtnMsg}`.slice(0, 200);
    let outcome: StatusOutcome = 'recorded';

    const m = MOVES[s.meaning];
    if (m) {
      // A B2C parcel has no drop-off step: its first "in transit" is when it left, and the customer hears it then.
      const firstLeg = s.meaning === 'in_transit' && order.fulfilment === 'to_ship';
      // Picked up or returned while we still think it is in the shop: the earlier notifications were
      // lost or are late. The parcel certainly left, so it is shipped first (recorded as implied).
      if ((m.event === 'completed' || m.event === 'returned') && order.fulfilment === 'to_ship') {
        await moveFulfilment(trx, order.id, 'shipped', now, 'ecpay', `implied by ${s.rtnCode}`);
      }
      if (await moveFulfilment(trx, order.id, m.event, now, 'ecpay', detail)) {
        outcome = 'moved';
        if (m.event === 'arrivedAtStore') {
          await recordArrival(trx, shipment.id, statusAt, statusAt + STORE_PICKUP_DAYS * 86_400_000, now);
        }
        const notice = firstLeg ? 'shipped' : m.notice;
        const moved = (await getOrder(trx, order.id)) as Order;
        if (notice) await tell(trx, notice, moved, (await getShipment(trx, shipment.id)) as Shipment, now);
      }
    } else if (NEEDS_MERCHANT.has(s.meaning)) {
      await flagShipment(trx, order, `shipment_${s.meaning}:${detail}`, now);
      outcome = 'attention';
    } else if (s.meaning === 'unknown') {
      outcome = 'unknown';
    }
    if (outcome !== 'moved') {
      await recordOrderEvent(
        trx,
        order.id,
        outcome === 'unknown' ? 'ecpayStatusUnknown' : 'ecpayStatus',
        'ecpay',
        now,
        detail,
      );
    }
    await setNotificationOutcome(trx, shipment.id, s.rtnCode, s.updateStatusDate, outcome);
    return outcome;
  });
}
