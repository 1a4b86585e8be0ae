/**
 * Outbound HTTP for the client libraries (src/qpay, src/ecpay): one POST over undici with bounded
 * timeouts, and the classification every caller of a payment or logistics API needs after a failure —
 * did the request possibly reach the other side (so a retry could act twice), and was it a timeout?
 * Knows no shop and no provider; it raises nothing of its own, callers wrap the failure in their errors.
 */
import { Agent, type Dispatcher, request } from 'undici';

export interface OutboundTimeouts {
  /** TCP+TLS connect timeout, ms (default 5 000). */
  connectTimeoutMs?: number;
  /** Time from sending the request to the response headers, ms (default 20 000). */
  headersTimeoutMs?: number;
  /** Maximum gap between body chunks, ms (default 20 000). */
  bodyTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept, ms (undici's default when left out). */
  keepAliveTimeoutMs?: number;
  /** Use this dispatcher instead of an own Agent (the client then does not close it). */
  dispatcher?: Dispatcher;
}

export interface Outbound {
  dispatcher: Dispatcher;
  /** Closes the own Agent; a dispatcher passed in belongs to the caller and stays open. */
  close(): Promise<void>;
}

export function outbound(options: OutboundTimeouts): Outbound {
  if (options.dispatcher) return { dispatcher: options.dispatcher, close: async () => {} };
  const agent = new Agent({
    connect: { timeout: options.connectTimeoutMs ?? 5_000 },
    headersTimeout: options.headersTimeoutMs ?? 20_000,
    bodyTimeout: options.bodyTimeoutMs ?? 20_000,
    ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeout: options.keepAliveTimeoutMs }),
  });
  return { dispatcher: agent, close: () => agent.close() };
}

/** Errors raised before a single byte could reach the server: the request certainly did not arrive. */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function errorCode(err: unknown): string {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  if (e && typeof e.code === 'string') return e.code;
  if (e?.cause && typeof e.cause.code === 'string') return e.cause.code;
  return '';
}

/** What a transport failure says about the request: `mayHaveArrived` unless it certainly never left. */
export interface TransportFailure {
  mayHaveArrived: boolean;
  timedOut: boolean;
  cause: unknown;
}

export function classifyTransportFailure(err: unknown): TransportFailure {
  const code = errorCode(err);
  return { mayHaveArrived: !NOT_SENT_CODES.has(code), timedOut: TIMEOUT_CODES.has(code), cause: err };
}

/** An answer's status and body, read whole. Callers decide what a non-2xx status means. */
export interface Answer {
  status: number;
  text: string;
}

/**
 * POSTs once (never retries) and reads the whole answer. A transport failure (connect, send, timeout,
 * reset while reading) is handed to `onFailure`, which must throw the caller's own error.
 */
export async function postOnce(
  dispatcher: Dispatcher,
  url: string,
  headers: Record<string, string>,
  body: string,
  onFailure: (failure: TransportFailure) => never,
): Promise<Answer> {
  let status: number;
  let text: string;
  try {
    const res = await request(url, { method: 'POST', dispatcher, headers, body });
    status = res.statusCode;
    text = await res.body.text();
  } catch (err) {
    return onFailure(classifyTransportFailure(err));
  }
  return { status, text };
}

/** How much of an unexpected answer's body an error keeps (for the log, never the whole page). */
export const MAX_ERROR_BODY_CHARS = 2_000;
