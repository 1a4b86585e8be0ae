/**
 * How the event worker cuts a batch into transactions: events that lock product rows (checkout,
 * cancel) go alone, so two transactions never reserve for several customers in clashing order.
 */
import type { LineEventRow } from '../src/db/types';
import { groupSizeFor, transactionGroups } from '../src/line/event-worker';
import { encodePostback } from '../src/messages/postback';
import { createConversation } from '../src/shop/conversation';
import { STOCK_LOCKING_ACTIONS } from '../src/shop/order-conversation';
import { GENERIC_PROFILE } from '../src/shop/profile';

const { needsOwnTransaction } = createConversation({
  profile: GENERIC_PROFILE,
  publicBaseUrl: 'https://shop.example',
  ownTransaction: STOCK_LOCKING_ACTIONS,
});

function row(id: string, event: Record<string, unknown>): LineEventRow {
  return {
    webhook_event_id: id,
    chat_id: 'U1',
    event_type: String(event.type),
    event_timestamp: 1,
    // A whole event as LINE sends it (the worker checks stored events against the webhook schema).
    payload: JSON.stringify({
      mode: 'active',
      timestamp: 1,
      webhookEventId: id,
      deliveryContext: { isRedelivery: false },
      replyToken: `rt-${id}`,
      source: { type: 'user', userId: 'U1' },
      ...event,
    }),
    status: 'pending',
    attempts: 0,
    last_error: null,
    received_at: 1,
    processed_at: null,
    ignored_reason: null,
  };
}
const postback = (id: string, data: string) => row(id, { type: 'postback', postback: { data } });
const typed = (id: string, text: string) =>
  row(id, { type: 'message', message: { type: 'text', id, text, quoteToken: 'q' } });
const ids = (groups: LineEventRow[][]) => groups.map((g) => g.map((r) => r.webhook_event_id));

describe('event worker transactions', () => {
  it('knows which events lock stock: checkout and cancel, tapped or typed', () => {
    const event = (r: LineEventRow) => JSON.parse(r.payload);
    expect(needsOwnTransaction(event(postback('a', encodePostback({ action: 'checkout', payType: 'C' }))))).toBe(true);
    expect(needsOwnTransaction(event(postback('b', encodePostback({ action: 'cancel', orderNo: 'X1' }))))).toBe(true);
    expect(needsOwnTransaction(event(typed('c', '結帳')))).toBe(true);
    expect(needsOwnTransaction(event(postback('d', encodePostback({ action: 'add', productId: 1 }))))).toBe(false);
    expect(needsOwnTransaction(event(typed('e', '購物車')))).toBe(false);
    expect(needsOwnTransaction(event(row('f', { type: 'follow', follow: { isUnblocked: false } })))).toBe(false);
  });

  it('puts more events in a transaction when a tick finds a full batch waiting (a backlog)', () => {
    expect(groupSizeFor(5, {})).toBe(8);
    expect(groupSizeFor(127, {})).toBe(8);
    expect(groupSizeFor(128, {})).toBe(32);
    expect(groupSizeFor(10, { eventsPerTransaction: 2, eventsPerTick: 10 })).toBe(8);
  });

  it('groups a few events to a transaction, in order, with stock-locking ones alone', () => {
    const add = (id: string) => postback(id, encodePostback({ action: 'add', productId: 1 }));
    const checkout = (id: string) => postback(id, encodePostback({ action: 'checkout', payType: 'C' }));
    const events = [add('1'), add('2'), checkout('3'), checkout('4'), add('5'), add('6'), add('7'), typed('8', '結帳')];
    expect(ids(transactionGroups(events, 2, needsOwnTransaction))).toEqual([
      ['1', '2'],
      ['3'],
      ['4'],
      ['5', '6'],
      ['7'],
      ['8'],
    ]);
    // Without the rule, only the size cuts.
    expect(ids(transactionGroups(events, 3))).toEqual([
      ['1', '2', '3'],
      ['4', '5', '6'],
      ['7', '8'],
    ]);
  });
});
