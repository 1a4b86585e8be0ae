/**
 * Typed ECPay logistics errors, shaped like src/qpay/errors.ts: `retryable` says whether sending
 * the same call again is safe.
 *
 * - QueryLogisticsTradeInfo only reads: always safe to repeat.
 * - Express/Create is NOT: if the first attempt reached ECPay a repeat makes a second shipment (or
 *   is refused for the reused MerchantTradeNo). Query by MerchantTradeNo before re-creating.
 */
export type EcpayService = 'Create' | 'QueryLogisticsTradeInfo';

export function isSafeToRetry(service: EcpayService): boolean {
  return service === 'QueryLogisticsTradeInfo';
}

export abstract class EcpayError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    readonly service: EcpayService,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A field broke ECPay's rules; nothing was sent. `reason` is zh-TW, fit to show a person. */
export class EcpayValidationError extends EcpayError {
  readonly retryable = false;
  constructor(
    service: EcpayService,
    readonly field: string,
    readonly reason: string,
  ) {
    super(service, `ECPay ${service}: ${field} ${reason}`);
    this.name = 'EcpayValidationError';
  }
}

/** ECPay answered `0|<message>`: it processed the request and said no. */
export class EcpayRefusedError extends EcpayError {
  readonly retryable = false;
  constructor(
    service: EcpayService,
    /** ECPay's message after `0|`, verbatim (its texts are free-form; show it to the merchant). */
    readonly text: string,
    /** An 8-digit message code (e.g. `10500040`) when the text contains one, else ''. */
    readonly code: string,
  ) {
    super(service, `ECPay ${service} refused: ${text}`);
    this.name = 'EcpayRefusedError';
  }
}

/**
 * The answer could not be trusted (not `1|…`/`0|…`, bad CheckMacValue, another MerchantID, missing
 * fields). Never use it as data. The request reached ECPay, so only reads are retryable.
 */
export class EcpayVerificationError extends EcpayError {
  readonly retryable: boolean;
  constructor(service: EcpayService, reason: string) {
    super(service, `ECPay ${service}: answer failed verification: ${reason}`);
    this.name = 'EcpayVerificationError';
    this.retryable = isSafeToRetry(service);
  }
}

/** A non-2xx HTTP status. The request reached ECPay; whether it was processed is unknown. */
export class EcpayHttpError extends EcpayError {
  readonly retryable: boolean;
  constructor(
    service: EcpayService,
    readonly status: number,
    readonly body: string,
  ) {
    super(service, `ECPay ${service}: HTTP ${status}`);
    this.name = 'EcpayHttpError';
    this.retryable = isSafeToRetry(service);
  }
}

/** The network failed or timed out. */
export class EcpayNetworkError extends EcpayError {
  readonly retryable: boolean;
  constructor(
    service: EcpayService,
    /** false only when the request certainly never left us (no connection was made). */
    readonly mayHaveReachedEcpay: boolean,
    readonly timedOut: boolean,
    cause: unknown,
  ) {
    super(
      service,
      `ECPay ${service}: network ${timedOut ? 'timeout' : 'failure'} (${
        cause instanceof Error ? cause.message : String(cause)
      })`,
      { cause },
    );
    this.name = 'EcpayNetworkError';
    this.retryable = !mayHaveReachedEcpay || isSafeToRetry(service);
  }
}
