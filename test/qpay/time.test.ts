import { bankDateEndMs, fromBankDate, fromBankTime, isSafeToRetry, toBankDate, toBankTime } from '../../src/qpay';

test('bank times are Taiwan local time (UTC+8)', () => {
  const ms = Date.UTC(2021, 9, 3, 16, 28); // 2021-10-04 00:28 in Taipei
  expect(toBankTime(ms)).toBe('202110040028');
  expect(toBankDate(ms)).toBe('20211004');
  expect(fromBankTime('202110040028')).toBe(ms);
  expect(fromBankDate('20211004')).toBe(Date.UTC(2021, 9, 3, 16, 0));
  expect(bankDateEndMs('20180502')).toBe(Date.UTC(2018, 4, 2, 16, 0) - 1);
});

test('impossible bank times are rejected', () => {
  for (const bad of ['202102310000', '202101012400', '202101010060', '2021010100', 'abc']) {
    expect(fromBankTime(bad)).toBeUndefined();
  }
  expect(fromBankDate('20210229')).toBeUndefined();
});

test('only queries are safe to retry blindly', () => {
  expect(isSafeToRetry('OrderQuery')).toBe(true);
  expect(isSafeToRetry('OrderPayQuery')).toBe(true);
  expect(isSafeToRetry('OrderCreate')).toBe(false);
  expect(isSafeToRetry('OrderMaintain')).toBe(false);
});
