/** The process logger (pino). Secrets are redacted wherever they might appear in a log object. */
import pino from 'pino';
import type { Logger } from './logger';

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
];

export function createLogger(level: string): pino.Logger & Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }) as pino.Logger & Logger;
}
