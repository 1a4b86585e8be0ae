/**
 * The bank's two callbacks. Both bodies prove nothing; they only carry a PayToken, which is
 * recorded durably and then confirmed with the bank (OrderPayQuery) by confirmPayment.
 * - POST /payments/qpay/notify (BackendURL, JSON): record → {"Status":"S"}; confirmed in the background.
 * - POST /payments/qpay/return (ReturnURL, browser form): record → confirm with a bounded wait → HTML page.
 * - GET  /payments/qpay/result?token=… : the page again (the processing page refreshes to it).
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import type { Logger } from '../logger';
import { getOrder, getPaymentByBankOrderNo } from '../shop/order-repository';
import { getNotification, recordToken } from '../shop/payment-repository';
import type { ConfirmOutcome, PaymentService } from '../shop/payment-service';
import { paidPageFor, type ResultPage, resultPageHtml } from './result-page';

export interface QpayRouteDeps {
  db: Kysely<DB>;
  shopNo: string;
  payments: PaymentService;
  now: () => number;
  logger: Logger;
  shopName: string;
  /** Where "back to LINE" goes: https://line.me/R/ live, the simulator's chat page in the sandbox. */
  lineUrl: string;
  /** Wakes the job that confirms recorded tokens. */
  onTokenRecorded: () => void;
  /** How long the return page waits for the bank before showing "processing" (default 8 s). */
  returnWaitMs?: number;
}

const PAY_TOKEN = /^[0-9A-Fa-f]{64}$/;

function parse(body: unknown, shopNo: string): string | undefined {
  if (body === null || typeof body !== 'object') return undefined;
  const b = body as Record<string, unknown>;
  if (b.ShopNo !== shopNo || typeof b.PayToken !== 'string' || !PAY_TOKEN.test(b.PayToken)) return undefined;
  return b.PayToken;
}

export function qpayRoutes(deps: QpayRouteDeps) {
  return async function register(app: FastifyInstance): Promise<void> {
    await app.register(formbody);

    // A body Fastify cannot parse (broken JSON, an unknown content type, too large) still gets the
    // bank's answer shape, or the result page for a browser; never Fastify's default JSON error.
    app.setErrorHandler((err: { statusCode?: number; message?: string }, req, reply) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
      deps.logger.warn({ url: req.url, status, reason: err.message }, 'bank callback refused');
      if (req.url.startsWith('/payments/qpay/notify')) return reply.code(status).send({ Status: 'F' });
      return reply
        .code(status)
        .header('content-type', 'text/html; charset=utf-8')
        .send(resultPageHtml({ kind: 'unknown' }, deps.shopName, deps.lineUrl));
    });

    app.post('/payments/qpay/notify', async (req, reply) => {
      const token = parse(req.body, deps.shopNo);
      if (!token) {
        deps.logger.warn(
          { body: JSON.stringify(req.body ?? null).slice(0, 200) },
          'refused a malformed or foreign bank notification',
        );
        return reply.code(400).send({ Status: 'F' });
      }
      await recordToken(deps.db, token, 'notify', deps.now());
      deps.onTokenRecorded();
      return reply.code(200).send({ Status: 'S' });
    });

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
        .send(resultPageHtml(result, deps.shopName, deps.lineUrl));
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

    app.post('/payments/qpay/return', async (req, reply) => {
      const token = parse(req.body, deps.shopNo);
      if (!token) {
        return reply
          .code(400)
          .header('content-type', 'text/html; charset=utf-8')
          .send(resultPageHtml({ kind: 'unknown' }, deps.shopName, deps.lineUrl));
      }
      await recordToken(deps.db, token, 'return', deps.now());
      return page(reply, token, true);
    });

    app.get('/payments/qpay/result', async (req, reply) => {
      const token = (req.query as { token?: string }).token ?? '';
      if (!PAY_TOKEN.test(token)) {
        return reply
          .code(404)
          .header('content-type', 'text/html; charset=utf-8')
          .send(resultPageHtml({ kind: 'unknown' }, deps.shopName, deps.lineUrl));
      }
      const n = await getNotification(deps.db, token);
      return page(reply, token, n?.status === 'received');
    });
  };
}
