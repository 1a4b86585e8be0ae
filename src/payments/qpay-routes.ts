/**
 * The bank's two callbacks. Both bodies prove nothing; they only carry a PayToken, which is
 * recorded durably and then confirmed with the bank (OrderPayQuery) by confirmPayment.
 * - POST /payments/qpay/notify (BackendURL, JSON): record → {"Status":"S"}; confirmed in the background.
 * - POST /payments/qpay/return (ReturnURL, browser form): record → confirm with a bounded wait → HTML page.
 * - GET  /payments/qpay/result?token=… : the page again (the processing page refreshes to it).
 * Notify and return are limited per source address by NotificationSources (what fails
 * verification, not volume) through @fastify/rate-limit, and notify by the optional allow-list.
 */
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { normalizeAddress, sourceKey } from '../address-list';
import type { DB } from '../db/types';
import type { Logger } from '../logger';
import { getNotification, recordToken } from '../shop/bank-notification-repository';
import { type NotificationSources, redactTokens, shortToken } from '../shop/notification-sources';
import { getOrder } from '../shop/order-repository';
import { getPaymentByBankOrderNo } from '../shop/payment-repository';
import type { ConfirmOutcome, PaymentService } from '../shop/payment-service';
import { type ShopNameSource, shopNameOf } from '../shop/profile';
import { paidPageFor, type ResultPage, resultPageHtml } from './result-page';

export interface QpayRouteDeps {
  db: Kysely<DB>;
  shopNo: string;
  payments: PaymentService;
  now: () => number;
  logger: Logger;
  shopName: ShopNameSource;
  /** Where "back to LINE" goes: https://line.me/R/ live, the simulator's chat page in the sandbox. */
  lineUrl: string;
  /** Wakes the job that confirms recorded tokens. */
  onTokenRecorded: () => void;
  /** How long the return page waits for the bank before showing "processing" (default 8 s). */
  returnWaitMs?: number;
  /** Per-source limits and the allow-list, shared with the reconciler. */
  sources: NotificationSources;
}

const PAY_TOKEN = /^[0-9A-Fa-f]{64}$/;

type Parsed = { token: string } | { refused: string; shopNo: unknown; payToken: unknown };

function parse(body: unknown, shopNo: string): Parsed {
  if (body === null || typeof body !== 'object') return { refused: 'no body', shopNo: undefined, payToken: undefined };
  const b = body as Record<string, unknown>;
  if (b.ShopNo !== shopNo) return { refused: 'foreign ShopNo', shopNo: b.ShopNo, payToken: b.PayToken };
  if (typeof b.PayToken !== 'string' || !PAY_TOKEN.test(b.PayToken)) {
    return { refused: 'malformed PayToken', shopNo: b.ShopNo, payToken: b.PayToken };
  }
  return { token: b.PayToken };
}

/** The sender as the limits count it (Fastify's req.ip honours TRUST_PROXY; IPv6 by /64). */
function sourceOf(req: FastifyRequest): string {
  return sourceKey(req.ip);
}

/** A refusal thrown from a hook, answered by the error handler in the route's own shape. */
class Refused extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

export function qpayRoutes(deps: QpayRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(formbody);

    const { sources } = deps;
    // Counted per source address; the bank's allow-listed addresses are never counted. A source
    // that spent its refusal budget gets max 0 (refused before its body is read); any other gets a
    // ceiling far above the bank's bursts. What keeps a flood of plausible tokens from reaching
    // the bank is the refusal budget and the unverified bound in the handlers, not this count.
    await app.register(rateLimit, {
      global: false,
      hook: 'onRequest',
      timeWindow: 60_000,
      keyGenerator: sourceOf,
      allowList: (req) => sources.trusted(normalizeAddress(req.ip)),
      max: async (_req, key) => ((await sources.throttled(key)) ? 0 : sources.limits.requestsPerMinute),
      errorResponseBuilder: (_req, ctx) =>
        new Refused(
          429,
          ctx.max === 0
            ? `too many notifications from this address failed verification; retry in ${ctx.after}`
            : `too many requests from this address; retry in ${ctx.after}`,
        ),
    });
    const limited = { rateLimit: {} };

    // A body Fastify cannot parse (broken JSON, an unknown content type, too large) still gets the
    // bank's answer shape, or the result page for a browser; never Fastify's default JSON error.
    app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      const reason = redactTokens(String(err.message ?? ''));
      // Refusals of a flooding source are logged once per source by NotificationSources, not per
      // request. A body that cannot be read counts against its source like a malformed one, so a
      // flood of them is throttled (and stops filling the log) after the refusal budget.
      if (!(err instanceof Refused)) {
        if (status < 500) sources.noteRefused(sourceOf(req));
        deps.logger.warn({ url: req.url, status, reason }, 'bank callback refused');
      }
      if (req.url.startsWith('/payments/qpay/notify')) {
        return reply.code(status).send(err instanceof Refused ? { Status: 'F', Reason: reason } : { Status: 'F' });
      }
      return reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .send(resultPageHtml({ kind: 'unknown' }, shopNameOf(deps.shopName), deps.lineUrl));
    });

    /** Malformed and foreign bodies count against their source; the token is never logged whole. */
    function refuse(req: FastifyRequest, ip: string, parsed: Exclude<Parsed, { token: string }>): void {
      sources.noteRefused(ip);
      deps.logger.warn(
        {
          url: req.url,
          sourceIp: ip,
          reason: parsed.refused,
          shopNo: typeof parsed.shopNo === 'string' ? parsed.shopNo.slice(0, 20) : typeof parsed.shopNo,
          payToken: shortToken(parsed.payToken),
        },
        'refused a malformed or foreign bank notification',
      );
    }

    /** Stores a new token unless its source is over the unverified bound; a repeat is always fine. */
    async function admit(token: string, kind: 'notify' | 'return', ip: string): Promise<string | undefined> {
      const full = await sources.refusal(ip);
      if (full && !(await getNotification(deps.db, token))) return full;
      if (await recordToken(deps.db, token, kind, deps.now(), ip)) sources.noteStored(ip);
      return undefined;
    }

    app.post(
      '/payments/qpay/notify',
      {
        config: limited,
        // Before the rate limit's own hook: an address that is not the bank's is not counted at all.
        onRequest: async (req) => {
          if (!sources.mayNotify(normalizeAddress(req.ip))) {
            sources.noteForbidden(sourceOf(req));
            throw new Refused(403, 'this address may not send payment notifications (QPAY_NOTIFY_ALLOW_IPS)');
          }
        },
      },
      async (req, reply) => {
        const ip = sourceOf(req);
        const parsed = parse(req.body, deps.shopNo);
        if (!('token' in parsed)) {
          refuse(req, ip, parsed);
          return reply.code(400).send({ Status: 'F' });
        }
        const full = await admit(parsed.token, 'notify', ip);
        if (full) return reply.code(429).send({ Status: 'F', Reason: full });
        deps.onTokenRecorded();
        return reply.code(200).send({ Status: 'S' });
      },
    );

    async function page(reply: FastifyReply, token: string, confirm: boolean): Promise<FastifyReply> {
      let outcome: ConfirmOutcome | undefined;
      if (confirm) {
        const wait = deps.returnWaitMs ?? 8_000;
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), wait);
        });
        const running = deps.payments.confirmPayment(token, 'return').catch((err: unknown) => {
          deps.logger.error({ err }, 'confirmation from the return page failed');
          return undefined;
        });
        outcome = await Promise.race([running, timeout]);
        clearTimeout(timer);
      }
      const result = await resultFor(token, outcome);
      return reply
        .code(200)
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(resultPageHtml(result, shopNameOf(deps.shopName), deps.lineUrl));
    }

    async function resultFor(token: string, outcome: ConfirmOutcome | undefined): Promise<ResultPage> {
      const processing: ResultPage = { kind: 'processing', refreshUrl: `/payments/qpay/result?token=${token}` };
      // A confirmed payment's page is read back from the order below (a late one says what became of it).
      if (outcome?.kind === 'failed') return { kind: 'failed' };
      const n = await getNotification(deps.db, token);
      if (!n) return { kind: 'unknown' };
      if (n.status === 'received') return processing;
      if (n.status === 'failed') return { kind: 'failed' };
      if (n.status === 'rejected') return { kind: 'unknown' };
      const payment = n.order_no ? await getPaymentByBankOrderNo(deps.db, n.order_no) : undefined;
      const order = payment ? await getOrder(deps.db, payment.order_id) : undefined;
      if (!order) return { kind: 'unknown' };
      return paidPageFor(order, n.status === 'late' ? 'late' : 'paid');
    }

    app.post('/payments/qpay/return', { config: limited }, async (req, reply) => {
      const ip = sourceOf(req);
      const parsed = parse(req.body, deps.shopNo);
      const full = 'token' in parsed ? await admit(parsed.token, 'return', ip) : undefined;
      if (!('token' in parsed) || full) {
        if (!('token' in parsed)) refuse(req, ip, parsed);
        // The payment itself is confirmed by the bank's notification or the reconciler; the
        // customer hears of it in LINE, which the "unknown" page says.
        return reply
          .code(full ? 429 : 400)
          .header('content-type', 'text/html; charset=utf-8')
          .send(resultPageHtml({ kind: 'unknown' }, shopNameOf(deps.shopName), deps.lineUrl));
      }
      return page(reply, parsed.token, true);
    });

    app.get('/payments/qpay/result', async (req, reply) => {
      const token = (req.query as { token?: string }).token ?? '';
      if (!PAY_TOKEN.test(token)) {
        return reply
          .code(404)
          .header('content-type', 'text/html; charset=utf-8')
          .send(resultPageHtml({ kind: 'unknown' }, shopNameOf(deps.shopName), deps.lineUrl));
      }
      const n = await getNotification(deps.db, token);
      return page(reply, token, n?.status === 'received');
    });
  };
}
