/**
 * Which money actions the console offers for an order — read from the lifecycle module (never
 * decided here) and from the payment's capture state. The services check again when the button is
 * pressed; this only decides which buttons are shown.
 */
import type { Order, Payment } from '../db/types';
import { canHappen, merchantMayCaptureOrVoid, merchantMayRefund, readLatePayment } from '../shop/order-lifecycle';
import { isAuthorizedNotCaptured } from '../shop/payment-repository';

export interface OrderActions {
  /** The most a refund may be now (0: no refund offered). */
  refundable: number;
  /** A late payment is refunded in full only (the amount cannot be chosen). */
  refundFullOnly: boolean;
  capture: boolean;
  void: boolean;
  cancel: boolean;
  /** The attention flag can be marked as handled. */
  resolve: boolean;
  /** Why a refund is not offered although the order is paid (ATM, authorization only). */
  refundNote: string | null;
}

export function orderActions(order: Order, payments: Payment[], needsAttention: boolean): OrderActions {
  const paid = payments.find((p) => p.status === 'paid');
  const authorizedOnly = paid !== undefined && isAuthorizedNotCaptured(paid);
  const late = readLatePayment(order.attention);
  const lateRefund = late?.outcome === 'refund_needed' && late.route !== 'merchant';
  let refundable = 0;
  let refundNote: string | null = null;
  if (lateRefund) refundable = order.total;
  else if (merchantMayRefund(order.status) && paid) {
    if (paid.pay_type !== 'C') refundNote = 'ATM 付款無法透過銀行退款：請自行匯款給顧客。';
    else if (authorizedOnly) refundNote = '這筆信用卡只授權、尚未請款：請先「請款」，或「取消授權」。';
    else refundable = order.total - order.refunded_amount;
  }
  const cardAuthorized = paid?.pay_type === 'C' && authorizedOnly;
  return {
    refundable,
    refundFullOnly: lateRefund,
    capture: cardAuthorized && merchantMayCaptureOrVoid(order.status),
    void: cardAuthorized && merchantMayCaptureOrVoid(order.status, order.fulfilment),
    cancel: canHappen(order.status, 'merchantCancelled'),
    resolve: needsAttention && order.attention !== null,
    refundNote,
  };
}
