/** The order lifecycle as tables: every transition, every state's actions, every answer to a tap. */
import type { OrderStatus } from '../src/db/types';
import {
  awaitsPayment,
  CLOSED_STATES,
  type CustomerAction,
  cancelAnswer,
  canHappen,
  customerActions,
  holdsReservation,
  merchantMayCaptureOrVoid,
  merchantMayRefund,
  NEW_PAY_LINK_MIN_MS,
  ORDER_STATES,
  ORDER_TRANSITIONS,
  type OrderEvent,
  PAY_LINK_MARGIN_MS,
  type PayAnswer,
  payAnswer,
  payLinkUsable,
} from '../src/shop/order-lifecycle';

const NOW = 1_750_000_000_000;
const HOUR = 3_600_000;

describe('order transitions', () => {
  // Rows: event, then for each state whether the event may happen there.
  const table: Array<[OrderEvent, OrderStatus[], OrderStatus]> = [
    ['bankOrderCreated', ['pending'], 'awaiting_payment'],
    ['bankRefused', ['pending'], 'failed'],
    ['paymentVerified', ['pending', 'awaiting_payment'], 'paid'],
    ['latePaymentAccepted', ['failed', 'expired', 'cancelled'], 'paid'],
    ['deadlinePassed', ['awaiting_payment'], 'expired'],
    ['customerCancelled', ['awaiting_payment'], 'cancelled'],
    ['merchantCancelled', ['awaiting_payment'], 'cancelled'],
    ['authorizationVoided', ['paid'], 'cancelled'],
    ['refundedInFull', ['paid'], 'refunded'],
  ];

  it('lists every event exactly once', () => {
    expect(table.map((r) => r[0]).sort()).toEqual(Object.keys(ORDER_TRANSITIONS).sort());
  });

  it.each(table)('%s happens from %j and leads to %s', (event, from, to) => {
    for (const state of ORDER_STATES) expect([state, canHappen(state, event)]).toEqual([state, from.includes(state)]);
    expect(ORDER_TRANSITIONS[event].to).toBe(to);
  });

  it('never leaves refunded, and leaves other closed states only through a late payment', () => {
    for (const state of CLOSED_STATES) {
      const exits = (Object.keys(ORDER_TRANSITIONS) as OrderEvent[]).filter((e) => canHappen(state, e));
      expect([state, exits]).toEqual([state, state === 'refunded' ? [] : ['latePaymentAccepted']]);
    }
  });
});

describe('what a customer may do', () => {
  const card = (status: OrderStatus) => ({ status, pay_type: 'C' as const, expires_at: NOW + HOUR });
  const atm = (status: OrderStatus) => ({ status, pay_type: 'A' as const, expires_at: NOW + 72 * HOUR });
  const link = (expiresIn: number) => ({
    status: 'created' as const,
    pay_url: 'https://bank/pay',
    atm_pay_no: null,
    expires_at: NOW + expiresIn,
  });
  const account = { status: 'created' as const, pay_url: null, atm_pay_no: '12345678901234', expires_at: null };

  const actions: Array<
    [string, Parameters<typeof customerActions>[0], Parameters<typeof customerActions>[1], CustomerAction[]]
  > = [
    ['card, live link', card('awaiting_payment'), link(10 * 60_000), ['openPayLink', 'cancel']],
    ['card, link about to close', card('awaiting_payment'), link(PAY_LINK_MARGIN_MS - 1), ['newPayLink', 'cancel']],
    ['card, no link yet', card('awaiting_payment'), undefined, ['newPayLink', 'cancel']],
    ['ATM with its account', atm('awaiting_payment'), account, ['showAtmAccount', 'cancel']],
    ['pending', card('pending'), undefined, []],
    ['paid', card('paid'), link(0), ['continueShopping']],
    ['refunded', card('refunded'), link(0), ['continueShopping']],
    ['expired', card('expired'), link(0), ['rebuy']],
    ['cancelled', atm('cancelled'), account, ['rebuy']],
    ['failed', card('failed'), undefined, ['rebuy']],
  ];
  it.each(actions)('%s → %j', (_name, order, payment, expected) => {
    expect(customerActions(order, payment, NOW)).toEqual(expected);
  });

  it('offers a pay link only with time left to pay and only for card orders awaiting payment', () => {
    expect(payLinkUsable(card('awaiting_payment'), link(PAY_LINK_MARGIN_MS + 1), NOW)).toBe(true);
    expect(payLinkUsable(card('awaiting_payment'), link(PAY_LINK_MARGIN_MS), NOW)).toBe(false);
    expect(payLinkUsable(card('paid'), link(HOUR), NOW)).toBe(false);
    expect(payLinkUsable(atm('awaiting_payment'), link(HOUR), NOW)).toBe(false);
  });

  const pay: Array<[string, Parameters<typeof payAnswer>[0], Parameters<typeof payAnswer>[1], PayAnswer]> = [
    ['pending', card('pending'), undefined, 'stillPending'],
    ['paid', card('paid'), undefined, 'alreadyPaid'],
    ['refunded', card('refunded'), undefined, 'alreadyPaid'],
    ['expired', card('expired'), undefined, 'notPayable'],
    ['cancelled', card('cancelled'), undefined, 'notPayable'],
    ['a link requested', card('awaiting_payment'), { ...link(0), status: 'requested' }, 'preparingLink'],
    ['ATM', atm('awaiting_payment'), account, 'showAtmAccount'],
    ['live card link', card('awaiting_payment'), link(HOUR), 'showPayLink'],
    ['link closed, time left', card('awaiting_payment'), link(0), 'makeNewLink'],
    [
      'link closed, deadline near',
      { ...card('awaiting_payment'), expires_at: NOW + NEW_PAY_LINK_MIN_MS - 1 },
      link(0),
      'tooLate',
    ],
  ];
  it.each(pay)('a tap on 付款 when %s → %s', (_name, order, payment, expected) => {
    expect(payAnswer(order, payment, NOW)).toBe(expected);
  });

  it.each([
    ['pending', 'stillPending'],
    ['awaiting_payment', 'cancel'],
    ['cancelled', 'alreadyCancelled'],
    ['paid', 'notCancellable'],
    ['expired', 'notCancellable'],
    ['refunded', 'notCancellable'],
    ['failed', 'notCancellable'],
  ] as Array<[OrderStatus, string]>)('a tap on 取消訂單 when %s → %s', (status, expected) => {
    expect(cancelAnswer({ status })).toBe(expected);
  });
});

describe('questions the services ask', () => {
  it.each(ORDER_STATES.map((s) => [s]))('%s', (status) => {
    expect({
      awaitsPayment: awaitsPayment(status),
      holdsReservation: holdsReservation(status),
      merchantMayRefund: merchantMayRefund(status),
      merchantMayCaptureOrVoid: merchantMayCaptureOrVoid(status),
    }).toEqual({
      awaitsPayment: status === 'awaiting_payment',
      holdsReservation: status === 'pending' || status === 'awaiting_payment',
      merchantMayRefund: status === 'paid',
      merchantMayCaptureOrVoid: status === 'paid',
    });
  });
});
