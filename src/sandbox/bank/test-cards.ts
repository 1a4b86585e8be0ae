/** Test card numbers the hosted card page understands (any future expiry, any 3-digit CVC). */
export type CardOutcome = 'approved' | 'declined' | 'insufficient_funds';

export interface TestCard {
  number: string;
  outcome: CardOutcome;
  label: string;
}

export const TEST_CARDS: readonly TestCard[] = Object.freeze([
  { number: '4000221111111111', outcome: 'approved', label: '授權成功 (approved)' },
  { number: '4000221111112002', outcome: 'declined', label: '發卡行拒絕 (declined)' },
  { number: '4000221111113003', outcome: 'insufficient_funds', label: '額度不足 (insufficient funds)' },
]);

export function formatCardNumber(digits: string): string {
  return digits.replace(/(\d{4})(?=\d)/g, '$1-');
}

export function findTestCard(input: string): TestCard | undefined {
  const digits = input.replace(/[\s-]/g, '');
  return TEST_CARDS.find((c) => c.number === digits);
}
