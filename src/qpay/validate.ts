/**
 * Field rules checked before anything is sent (spec §6), so a bad order fails fast with the field
 * named instead of as an opaque bank refusal.
 */
import { type QpayService, QpayValidationError } from './errors';
import { fromBankDate } from './time';

const FORBIDDEN = /['"%]/;

/**
 * The most one QPay payment can be, in TWD. The bank takes `Amount` as TWD ×100 in a field of at
 * most 9 digits (999,999,999, i.e. NT$9,999,999.99): spec §6 names no maximum, this is the field
 * length an open-source SDK enforces for OrderCreate [M]; keep it in this one place.
 */
export const QPAY_MAX_AMOUNT_TWD = 9_999_999;

export function checkText(
  service: QpayService,
  field: string,
  value: string | undefined,
  max: number,
  required: boolean,
): void {
  if (value === undefined || value === '') {
    if (required) throw new QpayValidationError(service, field, 'is required');
    return;
  }
  if (typeof value !== 'string') throw new QpayValidationError(service, field, 'must be a string');
  if ([...value].length > max) throw new QpayValidationError(service, field, `must be at most ${max} characters`);
  if (FORBIDDEN.test(value)) throw new QpayValidationError(service, field, `must not contain ' " or %`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(value))
    throw new QpayValidationError(service, field, 'must not contain control characters');
}

export function checkUrl(service: QpayService, field: string, value: string | undefined): void {
  checkText(service, field, value, 255, false);
  if (value === undefined || value === '') return;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new QpayValidationError(service, field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new QpayValidationError(service, field, 'must be an absolute http(s) URL');
  }
}

/** A TWD amount: a positive integer whose ×100 bank form is still exact. */
export function checkAmount(service: QpayService, field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0 || !Number.isSafeInteger(value * 100)) {
    throw new QpayValidationError(service, field, `must be a positive integer number of TWD, got ${String(value)}`);
  }
}

export function checkIntRange(
  service: QpayService,
  field: string,
  value: number | undefined,
  min: number,
  max: number,
) {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new QpayValidationError(service, field, `must be an integer ${min}–${max}, got ${String(value)}`);
  }
}

export function checkBankDate(service: QpayService, field: string, value: string): void {
  if (typeof value !== 'string' || fromBankDate(value) === undefined) {
    throw new QpayValidationError(service, field, `must be a yyyyMMdd date, got "${String(value)}"`);
  }
}

export function checkPayToken(service: QpayService, value: string): void {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new QpayValidationError(service, 'payToken', 'must be 64 hexadecimal characters');
  }
}
