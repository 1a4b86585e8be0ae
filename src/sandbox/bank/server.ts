/**
 * The QPay bank simulator: a real HTTP server speaking the bank's protocol (Nonce + Order under
 * /funBIZ-Sbx/QPay.WebAPI/api/), its hosted card and WebATM pages, and admin endpoints under /sim.
 * Everything is built from options; several simulators can run side by side.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply } from 'fastify';
import { cjkFontRoutes } from '../../cjk-font';
import { createLogger, type Logger } from '../../logger';
import { computeHashId, openMessage, sealMessage } from '../../qpay/crypto';
import {
  AdminError,
  backToAdmin,
  html,
  listenForUrl,
  serialQueue,
  simErrorHandler,
  startTicker,
} from '../shared/server';
import { adminPage } from './admin-page';
import { DESCRIPTION, type EnvelopeRefusal, payStatus, refusalResponse } from './codes';
import { type BankCredentials, DEMO_QPAY_CREDENTIALS } from './demo-credentials';
import { createLifecycle, type DueJobsReport } from './lifecycle';
import { createNonceBook } from './nonces';
import { createNotificationSender } from './notifier';
import { cardFormPage, expiredPage, messagePage, type PageContext, returnFormPage, webAtmPage } from './pages';
import { answerService, isSupportedService, type ServiceContext } from './services';
import { openStateStore, type SimNotification, type SimOrder, type SimPayment } from './state';
import { findTestCard, TEST_CARDS } from './test-cards';

export const API_PATH = '/funBIZ-Sbx/QPay.WebAPI/api/';
const PAGE_PATH = '/QPay.WebPaySite/Bridge/';

export interface BankSimulatorOptions {
  /** 0 = any free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default DEMO_QPAY_CREDENTIALS. */
  credentials?: BankCredentials;
  /** The simulator's clock, epoch ms (default Date.now). */
  now?: () => number;
  /** ATM orders are paid this long after creation unless the OrderNo ends in 9 (default 5 min). */
  atmAutoPayDelayMs?: number;
  /** Delays between notification retries after the first attempt (default 10 min, 5 times). */
  notificationRetryDelaysMs?: readonly number[];
  /** Per-attempt timeout of a BackendURL notification (default 10 s). */
  notificationTimeoutMs?: number;
  /** Keep state in this JSON file (default: memory only). */
  stateFile?: string;
  /** How often due jobs run on their own, ms (default 1 000; 0 = never, call runDueJobs yourself). */
  tickIntervalMs?: number;
  /** Origin put into pay links, when the simulator is reached under another name (default its own URL). */
  publicUrl?: string;
  logger?: Logger;
  /** Shown on the hosted pages. */
  bankName?: string;
  shopName?: string;
  /**
   * Benchmarks only: every answer of the Order endpoint (OrderCreate, OrderQuery, OrderPayQuery …)
   * waits this long before it is sent, like a slow bank (default 0). Nonce is not delayed.
   */
  responseDelayMs?: number;
}

/** Test-only corruption of the next Order answer, to prove clients reject it. */
export type ResponseTamper = 'sign' | 'message' | 'nonce' | 'shop' | 'service';

export interface BankSimulator {
  /** e.g. http://127.0.0.1:3100 */
  url: string;
  /** The …/QPay.WebAPI/api/ URL a QPay client uses as its base. */
  baseUrl: string;
  credentials: BankCredentials;
  close(): Promise<void>;
  /** Processes due ATM auto-payments, expiries and notification retries at now(). */
  runDueJobs(): Promise<DueJobsReport>;
  orders(): SimOrder[];
  order(orderNo: string): SimOrder | undefined;
  payments(): SimPayment[];
  notifications(): SimNotification[];
  /** Admin actions on a pending order (also at POST /sim/orders/:orderNo/pay|fail|expire). */
  pay(orderNo: string): Promise<SimPayment>;
  fail(orderNo: string): Promise<SimPayment>;
  expire(orderNo: string): void;
  tamperNextResponse(kind: ResponseTamper): void;
}

export async function startBankSimulator(options: BankSimulatorOptions = {}): Promise<BankSimulator> {
  const credentials = options.credentials ?? DEMO_QPAY_CREDENTIALS;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger('info').child({ sim: 'bank' });
  const hashId = computeHashId(credentials);
  const store = openStateStore(options.stateFile);
  const nonces = createNonceBook(now);
  const notifier = createNotificationSender(options.notificationTimeoutMs ?? 10_000);
  const lifecycle = createLifecycle({
    store,
    now,
    logger,
    send: notifier.send,
    notificationRetryDelaysMs: options.notificationRetryDelaysMs ?? [600_000, 600_000, 600_000, 600_000, 600_000],
  });
  let publicUrl = options.publicUrl ?? '';
  const ctx: ServiceContext = {
    shopNo: credentials.shopNo,
    store,
    lifecycle,
    now,
    publicUrl: () => publicUrl,
    atmAutoPayDelayMs: options.atmAutoPayDelayMs ?? 5 * 60_000,
  };
  const pages: PageContext = {
    bankName: options.bankName ?? 'QPay 模擬銀行',
    shopName: options.shopName ?? '測試商店',
    now,
  };
  let tamper: ResponseTamper | undefined;
  const responseDelayMs = options.responseDelayMs ?? 0;

  // Due jobs never run twice at once: a tick and a test's runDueJobs queue up behind each other.
  const jobs = serialQueue();
  const runDueJobs = (): Promise<DueJobsReport> => jobs.run(() => lifecycle.runDueJobs());

  function pendingOrder(orderNo: string): SimOrder {
    const order = lifecycle.findOrder(orderNo);
    if (!order) throw new AdminError(404, `no order ${orderNo}`);
    if (order.state !== 'pending') throw new AdminError(409, `order ${orderNo} is ${order.state}, not pending`);
    return order;
  }

  const admin = {
    pay: (orderNo: string) => {
      const order = pendingOrder(orderNo);
      return order.payType === 'A' ? lifecycle.payAtm(order) : lifecycle.payCard(order, '4000221111111111', 'approved');
    },
    fail: (orderNo: string) => lifecycle.fail(pendingOrder(orderNo)),
    expire: (orderNo: string) => lifecycle.expire(pendingOrder(orderNo)),
  };

  const app = Fastify({ logger: false });
  await app.register(formbody);
  // Its pages' CJK font, served by the simulator itself (see cjk-font.ts).
  await app.register(cjkFontRoutes);

  function refuse(reply: FastifyReply, reason: EnvelopeRefusal, data: Record<string, unknown>) {
    // Secrets (hash keys, HashID) never appear here; the reason and the request's shape do.
    logger.warn(data, `refused: ${reason}`);
    const { status, body } = refusalResponse(reason);
    return reply.code(status).send(body);
  }

  function keyIdOk(header: unknown): boolean {
    return typeof header === 'string' && header.toLowerCase() === credentials.keyId.toLowerCase();
  }

  app.post(`${API_PATH}Nonce`, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (!keyIdOk(req.headers['x-keyid'])) return refuse(reply, 'bad-key-id', { call: 'Nonce' });
    if (body.ShopNo !== credentials.shopNo)
      return refuse(reply, 'unknown-shop', { call: 'Nonce', shopNo: body.ShopNo });
    return { Nonce: nonces.mint() };
  });

  app.post(`${API_PATH}Order`, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const service = body.APIService;
    const data = { call: 'Order', service };
    if (!keyIdOk(req.headers['x-keyid'])) return refuse(reply, 'bad-key-id', data);
    const { Nonce: nonce, Sign: sign, Message: message } = body;
    if (
      typeof nonce !== 'string' ||
      typeof sign !== 'string' ||
      typeof message !== 'string' ||
      typeof service !== 'string'
    ) {
      return refuse(reply, 'malformed', data);
    }
    if (body.ShopNo !== credentials.shopNo) return refuse(reply, 'unknown-shop', { ...data, shopNo: body.ShopNo });
    const nonceCheck = nonces.consume(nonce);
    if (nonceCheck !== 'ok') return refuse(reply, nonceCheck, data);
    const opened = openMessage(message, sign, nonce, hashId);
    if (!opened.ok) return refuse(reply, opened.reason === 'bad-sign' ? 'bad-sign' : 'undecryptable', data);

    let answer: Record<string, unknown>;
    if (!isSupportedService(service)) {
      answer = { ShopNo: credentials.shopNo, Status: 'F', Description: DESCRIPTION.unsupportedService };
    } else if (opened.message.ShopNo !== credentials.shopNo) {
      answer = { ShopNo: credentials.shopNo, Status: 'F', Description: DESCRIPTION.invalidField('ShopNo') };
    } else {
      answer = answerService(service, opened.message, ctx);
    }
    logger.info({ service, status: answer.Status, description: answer.Description }, 'order call');
    const responseNonce = nonces.mint();
    const sealed = sealMessage(answer, responseNonce, hashId);
    const envelope = {
      Version: '1.0.0',
      ShopNo: credentials.shopNo,
      APIService: service,
      Sign: sealed.sign,
      Nonce: responseNonce,
      Message: sealed.message,
    };
    applyTamper(envelope);
    if (responseDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, responseDelayMs));
    return envelope;
  });

  function applyTamper(envelope: { Sign: string; Message: string; Nonce: string; ShopNo: string; APIService: string }) {
    const kind = tamper;
    tamper = undefined;
    if (kind === 'sign') envelope.Sign = (envelope.Sign[0] === 'A' ? 'B' : 'A') + envelope.Sign.slice(1);
    if (kind === 'message') envelope.Message = (envelope.Message[0] === '0' ? '1' : '0') + envelope.Message.slice(1);
    if (kind === 'nonce') envelope.Nonce = nonces.mint();
    if (kind === 'shop') envelope.ShopNo = 'ZZ9999_999';
    if (kind === 'service') envelope.APIService = 'OrderQuery' === envelope.APIService ? 'OrderCreate' : 'OrderQuery';
  }

  // ---- hosted pages ----------------------------------------------------------------------------

  type LinkQuery = { TD?: string; TK?: string };
  function cardOrder(q: LinkQuery): SimOrder | undefined {
    return store.state.orders.find((o) => o.tsNo === q.TD && o.card !== undefined && o.card.linkToken === q.TK);
  }
  function atmOrder(q: LinkQuery): SimOrder | undefined {
    return store.state.orders.find((o) => o.tsNo === q.TD && o.atm !== undefined && o.atm.linkToken === q.TK);
  }
  /** The page for a link that cannot take a payment now, or undefined when it can. */
  function closedLinkPage(order: SimOrder | undefined): { status: number; body: string } | undefined {
    if (!order)
      return {
        status: 404,
        body: messagePage(pages, '查無此付款連結', 'warn', '連結不正確或已失效，請回到商店重新操作。'),
      };
    if (order.state === 'pending' && lifecycle.isOverdue(order)) lifecycle.expire(order);
    if (order.state === 'expired') return { status: 410, body: expiredPage(order, pages) };
    if (order.state !== 'pending') {
      return {
        status: 409,
        body: messagePage(pages, '此訂單已完成付款程序', 'info', '這個付款連結已使用過，無法重複付款。', order),
      };
    }
    return undefined;
  }

  app.get(`${PAGE_PATH}PayCard`, async (req, reply) => {
    const q = req.query as LinkQuery;
    const order = cardOrder(q);
    const closed = closedLinkPage(order);
    if (closed) return html(reply, closed.body, closed.status);
    return html(reply, cardFormPage(order as SimOrder, pages, q.TD ?? '', q.TK ?? ''));
  });

  app.post(`${PAGE_PATH}PayCard`, async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string | undefined>;
    const q = { TD: form.TD, TK: form.TK };
    const order = cardOrder(q);
    const closed = closedLinkPage(order);
    if (closed) return html(reply, closed.body, closed.status);
    const o = order as SimOrder;
    const again = (error: string) => html(reply, cardFormPage(o, pages, q.TD ?? '', q.TK ?? '', error), 422);
    const digits = (form.CardNo ?? '').replace(/[\s-]/g, '');
    if (!/^\d{16}$/.test(digits)) return again('請輸入 16 位數字的信用卡卡號。');
    const exp = /^(\d{2})\s*\/?\s*(\d{2})$/.exec(form.Expiry ?? '');
    const month = Number(exp?.[1]);
    const taipei = new Date(now() + 8 * 3_600_000);
    const ym = (2000 + Number(exp?.[2])) * 12 + month;
    if (!exp || month < 1 || month > 12 || ym < taipei.getUTCFullYear() * 12 + taipei.getUTCMonth() + 1) {
      return again('有效期限格式為 MM/YY，且不可早於本月。');
    }
    if (!/^\d{3}$/.test(form.CVC ?? '')) return again('請輸入卡片背面末三碼。');
    const card = findTestCard(digits);
    if (!card) return again('此為測試環境，請使用下方列出的測試卡號。');
    const payment = await lifecycle.payCard(o, digits, card.outcome);
    const ok = payment.status === 'S';
    if (o.returnUrl) return html(reply, returnFormPage(pages, o.returnUrl, o.shopNo, payment.payToken, ok));
    return html(
      reply,
      ok
        ? messagePage(pages, '授權成功', 'ok', '付款已完成，您可以關閉此頁面。', o)
        : messagePage(pages, '付款未成功', 'warn', payment.description, o),
    );
  });

  for (const page of ['PayWebATM', 'PayOTP']) {
    app.get(`${PAGE_PATH}${page}`, async (req, reply) => {
      const q = req.query as LinkQuery;
      const order = atmOrder(q);
      const closed = closedLinkPage(order);
      if (closed) return html(reply, closed.body, closed.status);
      return html(reply, webAtmPage(order as SimOrder, pages, q.TD ?? '', q.TK ?? ''));
    });
  }
  app.post(`${PAGE_PATH}PayWebATM`, async (req, reply) => {
    const form = (req.body ?? {}) as LinkQuery;
    const order = atmOrder(form);
    const closed = closedLinkPage(order);
    if (closed) return html(reply, closed.body, closed.status);
    await lifecycle.payAtm(order as SimOrder);
    return html(reply, messagePage(pages, '轉帳完成', 'ok', '款項已入帳，商店將收到付款通知。', order));
  });

  // ---- admin -----------------------------------------------------------------------------------

  function view(o: SimOrder) {
    const state = o.state === 'pending' && lifecycle.isOverdue(o) ? 'expired' : o.state;
    return { ...o, amountTwd: o.amount / 100, payStatus: payStatus(o.payType, state) };
  }
  app.setErrorHandler(simErrorHandler(logger));
  app.get('/', async (_req, reply) => reply.redirect('/sim'));
  app.get('/sim', async (_req, reply) => html(reply, adminPage(store.state, publicUrl + API_PATH)));
  app.get('/sim/orders', async () => store.state.orders.map(view));
  app.get('/sim/orders/:orderNo', async (req) => {
    const order = lifecycle.findOrder((req.params as { orderNo: string }).orderNo);
    if (!order) throw new AdminError(404, 'no such order');
    return view(order);
  });
  app.get('/sim/payments', async () => store.state.payments);
  app.get('/sim/notifications', async () => store.state.notifications);
  app.get('/sim/cards', async () => TEST_CARDS);
  app.post('/sim/tick', async (req, reply) => backToAdmin(req, reply, await runDueJobs()));
  for (const action of ['pay', 'fail', 'expire'] as const) {
    app.post(`/sim/orders/:orderNo/${action}`, async (req, reply) => {
      const orderNo = (req.params as { orderNo: string }).orderNo;
      const result = await admin[action](orderNo);
      return backToAdmin(req, reply, {
        ok: true,
        order: view(lifecycle.findOrder(orderNo) as SimOrder),
        payment: result,
      });
    });
  }

  const url = await listenForUrl(app, options);
  if (!publicUrl) publicUrl = url;
  publicUrl = publicUrl.replace(/\/+$/, '');

  const stopTicker = startTicker(options.tickIntervalMs ?? 1_000, runDueJobs, logger);

  return {
    url,
    baseUrl: url + API_PATH,
    credentials,
    async close() {
      stopTicker();
      await jobs.idle();
      await app.close();
      await notifier.close();
    },
    runDueJobs,
    orders: () => store.state.orders,
    order: (orderNo) => lifecycle.findOrder(orderNo),
    payments: () => store.state.payments,
    notifications: () => store.state.notifications,
    pay: admin.pay,
    fail: admin.fail,
    expire: admin.expire,
    tamperNextResponse(kind) {
      tamper = kind;
    },
  };
}
