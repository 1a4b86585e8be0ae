/** Order message builders: what each pay-link bubble announces. */
import type { Order, OrderItem, Payment } from '../src/db/types';
import { cardPayLinkMessage, type OrderView } from '../src/messages/order-messages';
import { validateMessages } from '../src/sandbox/line';

const NOW = Date.UTC(2026, 0, 15, 4, 0);

const order: Order = {
  id: 1,
  order_no: 'LS20260115-0001',
  line_user_id: 'U0123456789abcdef0123456789abcdef',
  cart_id: 1,
  status: 'awaiting_payment',
  pay_type: 'C',
  total: 1360,
  refunded_amount: 0,
  expires_at: NOW + 30 * 60_000,
  paid_at: null,
  closed_at: null,
  failure_reason: null,
  attention: null,
  reply_token: null,
  reply_until: null,
  next_check_at: null,
  locked_until: null,
  created_at: NOW,
  updated_at: NOW,
  delivery_method: null,
  shipping_fee: 0,
  fulfilment: null,
  fulfilment_at: null,
};
const items: OrderItem[] = [{ order_id: 1, product_id: 7, name: '高山烏龍', unit_price: 680, quantity: 2 }];

function payment(attempt: number): Payment {
  return {
    id: attempt,
    order_id: 1,
    bank_order_no: attempt === 1 ? order.order_no : `${order.order_no}-${attempt}`,
    attempt,
    pay_type: 'C',
    amount: 1360,
    status: 'created',
    ts_no: `NA0249000000${attempt}`,
    pay_url: 'https://bank.example/pay',
    atm_pay_no: null,
    expires_at: NOW + 10 * 60_000,
    pay_token: null,
    paid_at: null,
    card_last4: null,
    bank_description: null,
    bank_calls: 1,
    locked_until: null,
    raw: null,
    auto_capture: 1,
    captured_at: null,
    voided_at: null,
    created_at: NOW,
    updated_at: NOW,
  };
}

const link = (view: OrderView) => JSON.stringify(cardPayLinkMessage(view, 'https://bank.example/pay', '茶舖'));

describe('card pay-link bubble', () => {
  it('announces the order on the first link', () => {
    const first = link({ order, items, payment: payment(1) });
    expect(first).toContain('訂單已成立');
    expect(first).toContain('訂單 LS20260115-0001 已成立');
  });

  it('does not announce "訂單已成立" again on the new link after a decline', () => {
    const message = cardPayLinkMessage({ order, items, payment: payment(2) }, 'https://bank.example/pay', '茶舖');
    expect(validateMessages([message])).toEqual([]);
    const retry = JSON.stringify(message);
    expect(retry).not.toContain('已成立');
    expect(retry).toContain('新的付款連結');
    expect(retry).toContain('LS20260115-0001');
    expect(retry).toContain('https://bank.example/pay');
  });
});
