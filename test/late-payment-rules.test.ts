/** The late-payment rules of the order lifecycle as tables: what a late payment becomes, and how its state is stored and read back. */
import {
  cartAfterReinstate,
  decideLatePayment,
  type LatePaymentState,
  lateAttention,
  readLatePayment,
} from '../src/shop/order-lifecycle';

describe('late payment rules', () => {
  it.each([
    ['cancelled', true, 'C', 1, { kind: 'reinstate', was: 'cancelled' }],
    ['expired', true, 'A', null, { kind: 'reinstate', was: 'expired' }],
    ['cancelled', false, 'C', 1, { kind: 'refund', was: 'cancelled', route: 'bank_refund' }],
    ['cancelled', false, 'C', null, { kind: 'refund', was: 'cancelled', route: 'bank_refund' }],
    ['expired', false, 'C', 0, { kind: 'refund', was: 'expired', route: 'bank_void' }],
    ['cancelled', false, 'A', null, { kind: 'refund', was: 'cancelled', route: 'merchant' }],
  ] as const)('%s, goods resold %s, pay type %s (auto capture %s) → %j', (was, resold, payType, autoCapture, want) => {
    expect(decideLatePayment(was, resold, { payType, autoCapture })).toEqual(want);
  });

  it.each<[LatePaymentState, string]>([
    [{ outcome: 'reinstated', was: 'cancelled' }, 'paid_after_cancelled'],
    [{ outcome: 'reinstated', was: 'expired' }, 'paid_after_expired'],
    [{ outcome: 'refund_needed', was: 'cancelled', route: 'merchant' }, 'refund_needed:paid_after_cancelled:merchant'],
    [{ outcome: 'refunded', was: 'expired', route: 'bank_void' }, 'refunded:paid_after_expired:bank_void'],
  ])('stores %j as %s and reads it back', (state, attention) => {
    expect(lateAttention(state)).toBe(attention);
    expect(readLatePayment(attention)).toEqual(state);
  });

  it.each([
    null,
    '',
    'double_payment:X-2',
    'mismatch:Amount 1 ≠ 2',
    'refund_needed:paid_after_close',
    'paid_after_paid',
  ])('reads %j as no late payment', (attention) => {
    expect(readLatePayment(attention)).toBeUndefined();
  });

  it('takes a reinstated order’s goods out of the open cart, leaving other lines and any surplus', () => {
    expect(
      cartAfterReinstate(
        [
          { productId: 1, quantity: 2 },
          { productId: 2, quantity: 1 },
          { productId: 3, quantity: 4 },
        ],
        [
          { productId: 1, quantity: 2 },
          { productId: 3, quantity: 1 },
          { productId: 9, quantity: 1 },
        ],
      ),
    ).toEqual([
      { productId: 1, from: 2, to: 0 },
      { productId: 3, from: 4, to: 3 },
    ]);
  });
});
