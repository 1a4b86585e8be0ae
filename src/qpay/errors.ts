/**
 * Typed QPay errors. What callers need to stay idempotent is on every error: `retryable` says
 * whether simply sending the same call again is safe (see isSafeToRetry for the rule).
 */

export type QpayService = 'OrderCreate' | 'OrderPayQuery' | 'OrderQuery' | 'OrderMaintain';

/**
 * Which calls may simply be repeated:
 * - OrderPayQuery and OrderQuery only read, so repeating them is always safe.
 * - OrderCreate is NOT: if the first attempt reached the bank, a repeat is refused as a duplicate
 *   OrderNo at best. Retry it only after an OrderQuery by OrderNo shows the bank does not have the order.
 * - OrderMaintain (capture / cancel / refund) is NOT: a repeated partial refund could refund twice.
 *   Check the order's state with OrderQuery first.
 */
export function isSafeToRetry(service: QpayService): boolean {
  return service === 'OrderPayQuery' || service === 'OrderQuery';
}

export abstract class QpayError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    readonly service: QpayService,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A field broke the bank's rules; nothing was sent. */
export class QpayValidationError extends QpayError {
  readonly retryable = false;
  constructor(
    service: QpayService,
    readonly field: string,
    readonly reason: string,
  ) {
    super(service, `QPay ${service}: ${field} ${reason}`);
    this.name = 'QpayValidationError';
  }
}

/** The bank answered, verified, with `Status: "F"`: it processed the request and said no. */
export class QpayRefusedError extends QpayError {
  readonly retryable = false;
  constructor(
    service: QpayService,
    /** e.g. `E0602` */
    readonly code: string,
    /** e.g. `收款方式未啟用` */
    readonly text: string,
    /** The bank's whole `Description`, e.g. `E0602 – 收款方式未啟用`. */
    readonly description: string,
    /** The verified, decrypted response message. */
    readonly response: Record<string, unknown>,
  ) {
    super(service, `QPay ${service} refused: ${description}`);
    this.name = 'QpayRefusedError';
  }
}

/**
 * The bank's answer could not be trusted (envelope for another shop/service, undecryptable
 * Message, Sign mismatch, impossible field values). Never use such an answer as data. The request
 * did reach the bank, so only reads are retryable.
 */
export class QpayVerificationError extends QpayError {
  readonly retryable: boolean;
  constructor(service: QpayService, reason: string) {
    super(service, `QPay ${service}: response failed verification: ${reason}`);
    this.name = 'QpayVerificationError';
    this.retryable = isSafeToRetry(service);
  }
}

/**
 * The bank answered with a non-2xx HTTP status (how the bank refuses a bad X-KeyID, nonce or Sign
 * is undocumented). The request reached the bank; whether it was processed is unknown.
 */
export class QpayHttpError extends QpayError {
  readonly retryable: boolean;
  constructor(
    service: QpayService,
    readonly stage: 'nonce' | 'order',
    readonly status: number,
    readonly body: string,
  ) {
    super(service, `QPay ${service}: HTTP ${status} from the bank's ${stage} call`);
    this.name = 'QpayHttpError';
    // A refused Nonce call means no Order was ever sent.
    this.retryable = stage === 'nonce' || isSafeToRetry(service);
  }
}

/** The network failed or timed out. */
export class QpayNetworkError extends QpayError {
  readonly retryable: boolean;
  constructor(
    service: QpayService,
    readonly stage: 'nonce' | 'order',
    /**
     * false only when the Order request certainly never left us (the Nonce call failed, or the
     * connection was never established). When true the bank may have processed it.
     */
    readonly mayHaveReachedBank: boolean,
    readonly timedOut: boolean,
    cause: unknown,
  ) {
    super(
      service,
      `QPay ${service}: network ${timedOut ? 'timeout' : 'failure'} during the ${stage} call (${
        cause instanceof Error ? cause.message : String(cause)
      })`,
      { cause },
    );
    this.name = 'QpayNetworkError';
    this.retryable = !mayHaveReachedBank || isSafeToRetry(service);
  }
}
