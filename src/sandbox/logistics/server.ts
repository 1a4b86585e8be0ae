/**
 * The ECPay logistics simulator: a real HTTP server speaking ECPay's classic logistics protocol
 * (spec ecpay-logistics.md) — the store map (/Express/map), Express/Create, status notifications to
 * the shop's ServerReplyURL, QueryLogisticsTradeInfo — with admin pages and triggers under /sim.
 * Everything is built from options; several simulators can run side by side.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyReply } from 'fastify';
import { autoSubmitHtml } from '../../ecpay/html';
import { ECPAY_STAGE_B2C, ECPAY_STAGE_C2C } from '../../ecpay/stage';
import { chainOf, isC2cSubType, isCvsSubType } from '../../ecpay/types';
import { createLogger, type Logger } from '../../logger';
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
import { type AdminTarget, createLifecycle, type DueJobsReport, TransitionError } from './lifecycle';
import { createNotificationSender } from './notifier';
import { mapErrorPage, mapPage } from './pages';
import { answerCreate, answerQuery, type ServiceContext, type SimAccount } from './services';
import { emptyState, type MapSession, type SimNotification, type SimShipment } from './state';
import { findStore, SIM_STORES } from './stores';

/** ECPay's public stage accounts (spec §2): the simulator accepts them unless told otherwise. */
export const ECPAY_STAGE_ACCOUNTS: readonly SimAccount[] = [
  { ...ECPAY_STAGE_B2C, kind: 'B2C' },
  { ...ECPAY_STAGE_C2C, kind: 'C2C' },
];

export interface LogisticsSimulatorOptions {
  /** 0 = any free port (default). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default ECPAY_STAGE_ACCOUNTS. */
  accounts?: readonly SimAccount[];
  /** The simulator's clock, epoch ms (default Date.now). */
  now?: () => number;
  /** Delay between two steps of a parcel (sent → in transit → arrived → picked up); 0 = admin triggers only. Default 60 s. */
  stepDelayMs?: number;
  /** Where the schedule leads after arrival (default pick_up). */
  outcome?: SimShipment['outcome'];
  /** Delays between notification retries (default: ECPay's 3 a day for 3 days → 8 × 8 h). */
  notificationRetryDelaysMs?: readonly number[];
  /** Per-attempt timeout of a notification (default 10 s). */
  notificationTimeoutMs?: number;
  /** How often due jobs run on their own, ms (default 1 000; 0 = never, call runDueJobs yourself). */
  tickIntervalMs?: number;
  logger?: Logger;
}

export interface LogisticsSimulator {
  /** e.g. http://127.0.0.1:3200 — the base URL an ECPay client uses (ECPAY_LOGISTICS_BASE_URL). */
  url: string;
  accounts: readonly SimAccount[];
  close(): Promise<void>;
  /** Moves scheduled parcels on and delivers due notifications at now(). */
  runDueJobs(): Promise<DueJobsReport>;
  shipments(): SimShipment[];
  shipment(allPayLogisticsId: string): SimShipment | undefined;
  notifications(): SimNotification[];
  /** Admin triggers (also POST /sim/shipments/:id/send|arrive|pickup|return); resolve after delivery attempts. */
  advance(allPayLogisticsId: string, target: AdminTarget): Promise<SimNotification[]>;
}

const MAP_SESSION_MS = 2 * 3_600_000;
const MAX_MAP_SESSIONS = 5_000;
const TRIGGERS: Record<string, AdminTarget> = {
  send: 'sent',
  arrive: 'arrived',
  pickup: 'picked_up',
  return: 'returned',
};

function fontDir(): string | null {
  try {
    return dirname(require.resolve('@fontsource/noto-sans-tc/package.json'));
  } catch {
    return null;
  }
}

export async function startLogisticsSimulator(options: LogisticsSimulatorOptions = {}): Promise<LogisticsSimulator> {
  const accounts = options.accounts ?? ECPAY_STAGE_ACCOUNTS;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger('info').child({ sim: 'logistics' });
  const state = emptyState();
  const notifier = createNotificationSender(options.notificationTimeoutMs ?? 10_000);
  const lifecycle = createLifecycle({
    state,
    now,
    logger,
    send: notifier.send,
    keysFor: (id) => accounts.find((a) => a.merchantId === id),
    stepDelayMs: options.stepDelayMs ?? 60_000,
    notificationRetryDelaysMs: options.notificationRetryDelaysMs ?? Array.from({ length: 8 }, () => 8 * 3_600_000),
  });
  const ctx: ServiceContext = { state, lifecycle, accounts, now, outcome: options.outcome ?? 'pick_up' };

  // Due jobs never run twice at once: a tick, a trigger and a test's runDueJobs queue up behind each other.
  const jobs = serialQueue();
  const serial = <T>(work: () => Promise<T>): Promise<T> => jobs.run(work);
  const runDueJobs = () => serial(() => lifecycle.runDueJobs());
  function advance(id: string, target: AdminTarget): Promise<SimNotification[]> {
    return serial(async () => {
      const s = lifecycle.findShipment(id);
      if (!s) throw new AdminError(404, `no shipment ${id}`);
      let sent: SimNotification[];
      try {
        sent = lifecycle.advance(s, target);
      } catch (err) {
        if (err instanceof TransitionError) throw new AdminError(409, err.message);
        throw err;
      }
      // Whatever of this parcel is due goes out in order, so the shop never sees 2073 before a still-unsent 300.
      const due = state.notifications.filter(
        (n) => n.allPayLogisticsId === id && n.state === 'pending' && (n.nextAttemptAt ?? 0) <= now(),
      );
      await lifecycle.deliver(due);
      return sent;
    });
  }

  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(formbody);
  const text = (reply: FastifyReply, body: string) =>
    reply.code(200).header('content-type', 'text/plain; charset=utf-8').send(body);

  // ---- store map (§4) --------------------------------------------------------------------------

  function openMapSession(body: unknown): MapSession | { title: string; detail: string } {
    const f = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const get = (k: string) => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
    const bad = (field: string) => ({ title: '參數錯誤', detail: `${field} 不正確，請回到商店重新選擇門市。` });
    const account = accounts.find((a) => a.merchantId === get('MerchantID'));
    if (!account) return bad('MerchantID');
    if (get('LogisticsType') !== 'CVS') return bad('LogisticsType');
    const subType = get('LogisticsSubType') ?? '';
    if (!isCvsSubType(subType)) return bad('LogisticsSubType');
    if (isC2cSubType(subType) !== (account.kind === 'C2C')) return bad('LogisticsSubType（與帳號類型不符）');
    const isCollection = get('IsCollection') ?? '';
    if (!['Y', 'N'].includes(isCollection)) return bad('IsCollection');
    const serverReplyUrl = get('ServerReplyURL') ?? '';
    if (!/^https?:\/\/\S+$/.test(serverReplyUrl) || serverReplyUrl.length > 200) return bad('ServerReplyURL');
    const tradeNo = get('MerchantTradeNo') ?? '';
    if (!/^[A-Za-z0-9]{0,20}$/.test(tradeNo)) return bad('MerchantTradeNo');
    const extraData = get('ExtraData') ?? '';
    if (extraData.length > 20) return bad('ExtraData');
    const device = get('Device') ?? '';
    if (!['', '0', '1'].includes(device)) return bad('Device');
    if (state.mapSessions.size >= MAX_MAP_SESSIONS) {
      const oldest = state.mapSessions.keys().next().value;
      if (oldest !== undefined) state.mapSessions.delete(oldest);
    }
    const session: MapSession = {
      token: randomBytes(16).toString('hex'),
      merchantId: account.merchantId,
      merchantTradeNo: tradeNo,
      subType,
      isCollection,
      serverReplyUrl,
      extraData,
      createdAt: now(),
    };
    state.mapSessions.set(session.token, session);
    return session;
  }

  function session(token: string): MapSession | undefined {
    const s = state.mapSessions.get(token);
    if (s && now() - s.createdAt > MAP_SESSION_MS) {
      state.mapSessions.delete(token);
      return undefined;
    }
    return s;
  }
  const expired = (reply: FastifyReply) =>
    html(reply, mapErrorPage('電子地圖已逾時', '請回到商店重新點選「選擇門市」。'), 410);

  app.post('/Express/map', async (req, reply) => {
    const opened = openMapSession(req.body);
    if (!('token' in opened)) return html(reply, mapErrorPage(opened.title, opened.detail), 400);
    logger.info({ subType: opened.subType }, 'map opened');
    return html(reply, mapPage(opened));
  });
  app.get('/Express/map/s/:token', async (req, reply) => {
    const s = session((req.params as { token: string }).token);
    if (!s) return expired(reply);
    const q = req.query as { city?: unknown; q?: unknown };
    return html(
      reply,
      mapPage(s, { city: typeof q.city === 'string' ? q.city : '', q: typeof q.q === 'string' ? q.q : '' }),
    );
  });
  // The chosen store goes back the way ECPay sends it: the buyer's browser posts a form to ServerReplyURL.
  app.post('/Express/map/s/:token/choose', async (req, reply) => {
    const s = session((req.params as { token: string }).token);
    if (!s) return expired(reply);
    const id = (req.body as { CVSStoreID?: unknown } | undefined)?.CVSStoreID;
    const store = typeof id === 'string' ? findStore(chainOf(s.subType), id) : undefined;
    if (!store) return html(reply, mapErrorPage('查無此門市', '請回到地圖重新選擇。'), 400);
    logger.info({ subType: s.subType, storeId: store.id }, 'store chosen');
    const fields = {
      MerchantID: s.merchantId,
      MerchantTradeNo: s.merchantTradeNo,
      LogisticsSubType: s.subType,
      CVSStoreID: store.id,
      CVSStoreName: store.name,
      CVSAddress: store.address,
      CVSTelephone: store.tel,
      CVSOutSide: store.outlying ? '1' : '0',
      ExtraData: s.extraData,
    };
    return html(reply, autoSubmitHtml({ action: s.serverReplyUrl, fields }, '門市已選擇，正在返回商店…'));
  });

  const fonts = fontDir();
  app.get('/sim/fonts/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!fonts || !/^(400|700)\.css$/.test(file)) return reply.code(404).send('not found');
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'max-age=86400')
      .send(await readFile(join(fonts, file)));
  });
  app.get('/sim/fonts/files/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!fonts || !/^noto-sans-tc-[a-z0-9-]+\.woff2$/.test(file)) return reply.code(404).send('not found');
    return reply
      .type('font/woff2')
      .header('cache-control', 'max-age=86400')
      .send(await readFile(join(fonts, 'files', file)));
  });

  // ---- server-to-server calls (§5, §9) ---------------------------------------------------------

  app.post('/Express/Create', async (req, reply) => {
    const answer = answerCreate(ctx, req.body);
    logger.info(
      {
        ok: answer.startsWith('1|'),
        refusal: answer.startsWith('0|') ? answer.slice(2) : undefined,
      },
      'create',
    );
    return text(reply, answer);
  });
  for (const version of ['V2', 'V3', 'V5']) {
    app.post(`/Helper/QueryLogisticsTradeInfo/${version}`, async (req, reply) =>
      text(reply, answerQuery(ctx, req.body)),
    );
  }

  // ---- admin -----------------------------------------------------------------------------------

  app.setErrorHandler(simErrorHandler(logger));
  let url = '';
  app.get('/', async (_req, reply) => reply.redirect('/sim'));
  app.get('/sim', async (_req, reply) => html(reply, adminPage(state, url)));
  app.get('/sim/shipments', async () => state.shipments);
  app.get('/sim/notifications', async () => state.notifications);
  app.get('/sim/stores', async () => SIM_STORES);
  app.post('/sim/tick', async (req, reply) => backToAdmin(req, reply, await runDueJobs()));
  app.post('/sim/shipments/:id/:action', async (req, reply) => {
    const { id, action } = req.params as { id: string; action: string };
    const target = TRIGGERS[action];
    if (!target) throw new AdminError(404, `unknown action ${action}`);
    const sent = await advance(id, target);
    return backToAdmin(req, reply, { ok: true, shipment: lifecycle.findShipment(id), notifications: sent });
  });
  app.post('/sim/notifications/:id/resend', async (req, reply) => {
    const id = Number((req.params as { id: string }).id);
    const n = await serial(() =>
      lifecycle.resend(id).catch((err: unknown) => {
        throw err instanceof TransitionError ? new AdminError(404, err.message) : err;
      }),
    );
    return backToAdmin(req, reply, n);
  });

  url = await listenForUrl(app, options);

  const stopTicker = startTicker(options.tickIntervalMs ?? 1_000, runDueJobs, logger);

  return {
    url,
    accounts,
    async close() {
      stopTicker();
      await jobs.idle();
      await app.close();
      await notifier.close();
    },
    runDueJobs,
    shipments: () => state.shipments,
    shipment: (id) => lifecycle.findShipment(id),
    notifications: () => state.notifications,
    advance,
  };
}
