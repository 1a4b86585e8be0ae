/**
 * What happens to a shipment after Express/Create: the status path of its subtype (created → sent →
 * in transit → arrived → picked up, or → returning → returned), moved on by the schedule or by admin
 * triggers, and a signed status notification to the shop's ServerReplyURL for every step (retried
 * until the shop answers `1|OK`). Time-based work runs in runDueJobs against the injected clock, so
 * tests move time instead of sleeping.
 */
import { type MacKeys, sign } from '../../ecpay/check-mac';
import { toEcpayDate } from '../../ecpay/time';
import type { Logger } from '../../logger';
import { CREATED_MSG, STATUS_MSG, STATUS_PATH } from './codes';
import type { NotificationSender } from './notifier';
import type { SimNotification, SimShipment, SimStage, SimState } from './state';

export interface LifecycleOptions {
  state: SimState;
  now: () => number;
  keysFor(merchantId: string): MacKeys | undefined;
  send: NotificationSender;
  logger: Logger;
  /** Delay between two steps of a parcel's path; 0 = it moves only on admin triggers. */
  stepDelayMs: number;
  /** Delays between notification retries after the first attempt. */
  notificationRetryDelaysMs: readonly number[];
}

export interface DueJobsReport {
  steps: number;
  notificationsAttempted: number;
}

export type AdminTarget = 'sent' | 'arrived' | 'picked_up' | 'returned';

export class TransitionError extends Error {}

const PICKUP_PATH: SimStage[] = ['created', 'sent', 'in_transit', 'arrived', 'picked_up'];
const RETURN_PATH: SimStage[] = ['created', 'sent', 'in_transit', 'arrived', 'returning', 'returned'];

export function createLifecycle(options: LifecycleOptions) {
  const { state, now, logger } = options;
  const inFlight = new Set<number>();

  function findShipment(id: string): SimShipment | undefined {
    return state.shipments.find((s) => s.allPayLogisticsId === id);
  }

  /** The subtype's stages on the way to `outcome` (B2C has no drop-off step). */
  function pathOf(s: SimShipment, outcome: SimShipment['outcome']): SimStage[] {
    const codes = STATUS_PATH[s.subType];
    return (outcome === 'pick_up' ? PICKUP_PATH : RETURN_PATH).filter((st) => st === 'created' || codes[st]);
  }

  function notify(s: SimShipment, code: string, msg: string, at: number): SimNotification {
    const keys = options.keysFor(s.merchantId);
    if (!keys) throw new Error(`no keys for ${s.merchantId}`);
    // §6's fields; empty ones are sent (and signed) as empty, like ECPay does.
    const fields = sign(
      {
        MerchantID: s.merchantId,
        MerchantTradeNo: s.merchantTradeNo,
        RtnCode: code,
        RtnMsg: msg,
        AllPayLogisticsID: s.allPayLogisticsId,
        LogisticsType: s.logisticsType,
        LogisticsSubType: s.subType,
        GoodsAmount: String(s.goodsAmount),
        UpdateStatusDate: toEcpayDate(at),
        ReceiverName: s.receiverName,
        ReceiverPhone: s.receiverPhone,
        ReceiverCellPhone: s.receiverCellPhone,
        ReceiverEmail: s.receiverEmail,
        ReceiverAddress: '',
        CVSPaymentNo: s.cvsPaymentNo,
        CVSValidationNo: s.cvsValidationNo,
        BookingNote: s.bookingNote,
      },
      keys,
    );
    const n: SimNotification = {
      id: state.nextNotificationId++,
      allPayLogisticsId: s.allPayLogisticsId,
      url: s.serverReplyUrl,
      fields,
      state: 'pending',
      attempts: [],
      nextAttemptAt: at,
    };
    state.notifications.push(n);
    return n;
  }

  function enter(s: SimShipment, stage: SimStage): SimNotification {
    const code = STATUS_PATH[s.subType][stage] as string;
    const at = now();
    const msg = STATUS_MSG[code] ?? '';
    s.stage = stage;
    s.history.push({ code, msg, at });
    logger.info({ id: s.allPayLogisticsId, subType: s.subType, code, stage }, 'status');
    return notify(s, code, msg, at);
  }

  function scheduleNext(s: SimShipment): void {
    const path = pathOf(s, s.outcome);
    const last = s.stage === path.at(-1);
    s.nextStepAt = options.stepDelayMs > 0 && !last ? now() + options.stepDelayMs : undefined;
  }

  /** Records a new shipment (already validated) with its 300 status; the notification goes out at the next due run. */
  function created(s: SimShipment): void {
    const at = now();
    s.history.push({ code: '300', msg: CREATED_MSG, at });
    state.shipments.push(s);
    notify(s, '300', CREATED_MSG, at);
    scheduleNext(s);
  }

  /**
   * Moves a parcel along its path to `target`, through every step in between (a parcel cannot
   * arrive without having been sent), one notification per step. Refuses going backwards or across
   * (picked up ↔ returned).
   */
  function advance(s: SimShipment, target: AdminTarget): SimNotification[] {
    const stage: SimStage = target === 'sent' && !STATUS_PATH[s.subType].sent ? 'in_transit' : target;
    const outcome = stage === 'returned' ? 'return' : stage === 'picked_up' ? 'pick_up' : s.outcome;
    const path = pathOf(s, outcome);
    const from = path.indexOf(s.stage);
    const to = path.indexOf(stage);
    if (from < 0 || to < 0)
      throw new TransitionError(`shipment ${s.allPayLogisticsId} is ${s.stage}; cannot go to ${stage}`);
    if (to <= from) throw new TransitionError(`shipment ${s.allPayLogisticsId} is already ${s.stage}`);
    s.outcome = outcome;
    const sent = path.slice(from + 1, to + 1).map((st) => enter(s, st));
    scheduleNext(s);
    return sent;
  }

  async function attempt(n: SimNotification): Promise<void> {
    if (inFlight.has(n.id) || n.state !== 'pending') return;
    inFlight.add(n.id);
    try {
      const at = now();
      const result = await options
        .send(n.url, n.fields)
        .catch((err: unknown) => ({ ok: false, detail: err instanceof Error ? err.message : String(err) }));
      n.attempts.push({ at, ...result });
      if (result.ok) {
        n.state = 'delivered';
        n.nextAttemptAt = undefined;
      } else {
        const delay = options.notificationRetryDelaysMs[n.attempts.length - 1];
        n.state = delay === undefined ? 'failed' : 'pending';
        n.nextAttemptAt = delay === undefined ? undefined : at + delay;
        logger.warn({ id: n.id, code: n.fields.RtnCode, detail: result.detail }, 'notification not acknowledged');
      }
    } finally {
      inFlight.delete(n.id);
    }
  }

  /** Delivers the given notifications in order (each waits for the one before: ECPay's order per parcel). */
  async function deliver(list: SimNotification[]): Promise<void> {
    for (const n of list) await attempt(n);
  }

  async function runDueJobs(): Promise<DueJobsReport> {
    const t = now();
    let steps = 0;
    for (const s of state.shipments) {
      if (s.nextStepAt === undefined || s.nextStepAt > t) continue;
      const path = pathOf(s, s.outcome);
      const next = path[path.indexOf(s.stage) + 1];
      s.nextStepAt = undefined;
      if (!next) continue;
      enter(s, next);
      scheduleNext(s);
      steps++;
    }
    const due = state.notifications.filter((n) => n.state === 'pending' && (n.nextAttemptAt ?? 0) <= t);
    await deliver(due);
    return { steps, notificationsAttempted: due.length };
  }

  /** Sends a delivered or failed notification once more, as ECPay's re-sends do (tests of idempotency). */
  async function resend(id: number): Promise<SimNotification> {
    const old = state.notifications.find((n) => n.id === id);
    if (!old) throw new TransitionError(`no notification ${id}`);
    const copy: SimNotification = { ...old, id: state.nextNotificationId++, state: 'pending', attempts: [] };
    state.notifications.push(copy);
    await attempt(copy);
    return copy;
  }

  return { findShipment, created, advance, deliver, runDueJobs, resend };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;
