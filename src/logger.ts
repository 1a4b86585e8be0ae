/**
 * The one logging module: the Logger interface the code depends on (pino satisfies it), the
 * process logger (pino, JSON lines, secrets redacted), a silent logger for tests, and the shape of
 * a business event line. The shop, its jobs and the sandbox simulators all log through this, so a
 * merchant tailing the log sees one format.
 */
import pino from 'pino';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}

export const silentLogger: Logger = {
  info() {},
  warn() {},
  error() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/** Secrets are redacted wherever they might appear in a log object; never log a config whole. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-line-signature"]',
  'config.line.channelSecret',
  'config.line.channelAccessToken',
  'config.qpay',
  '*.channelSecret',
  '*.channelAccessToken',
  '*.a1',
  '*.a2',
  '*.b1',
  '*.b2',
  '*.hashId',
  // Recipients (issue 13): never in a log line, whatever object carries them.
  'body.name',
  'body.phone',
  'body.address',
  '*.recipient_name',
  '*.recipient_phone',
  '*.address',
  '*.recipientName',
  '*.recipientPhone',
  'req.body',
  '*.CVSAddress',
  '*.ReceiverName',
  '*.ReceiverCellPhone',
  '*.ReceiverAddress',
  'req.query.t',
];

/**
 * The process logger. `destination` is a file descriptor: 1 (stdout, the server's log) or 2
 * (stderr, for CLIs whose stdout is their answer).
 */
export function createLogger(level: string, destination: 1 | 2 = 1): pino.Logger & Logger {
  const options = { level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return (destination === 1 ? pino(options) : pino(options, pino.destination({ fd: 2, sync: true }))) as pino.Logger &
    Logger;
}

/** What happened to an order, as a merchant tailing the log wants to see it. */
export type OrderEvent = 'placed' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refunded' | 'captured' | 'voided';

/**
 * One `info` line per business event: `{"event":"order.paid","orderNo":"…","amount":1280,…}`.
 * Only the order number and amounts (NT$, integers): never the customer's LINE ID or name.
 */
export function logOrderEvent(
  logger: Logger,
  event: OrderEvent,
  order: { orderNo: string; amount: number },
  extra: Record<string, string | number | boolean> = {},
): void {
  logger.info({ event: `order.${event}`, orderNo: order.orderNo, amount: order.amount, ...extra }, `order ${event}`);
}
