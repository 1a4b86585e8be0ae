/**
 * Wires one shop instance from config: database, LINE client, conversation, HTTP app and the
 * background jobs. server.ts runs one; tests build several against one database.
 */
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AddressList } from './address-list';
import { consolePlugin } from './admin/console-plugin';
import type { ConsoleDeps } from './admin/context';
import { buildApp } from './app';
import type { Config } from './config';
import type { Database } from './db/database';
import type { Payment } from './db/types';
import { Housekeeper } from './jobs/housekeeping';
import { OrderSubmitter } from './jobs/order-submitter';
import { ExpirySweeper, Reconciler } from './jobs/payment-jobs';
import { Poller } from './jobs/poller';
import { EventWorker } from './line/event-worker';
import { InboxWriter } from './line/inbox-writer';
import { createLineApi, type LineApi, LineSendError } from './line/line-api';
import { OutboxSender } from './line/outbox-sender';
import type { Logger } from './logger';
import { createMetrics, instrumentCalls, type ShopMetrics } from './metrics';
import { qpayRoutes } from './payments/qpay-routes';
import { createQpayClient, type QpayClient } from './qpay';
import { createConversation } from './shop/conversation';
import { bindIfCode, sendDueAlerts } from './shop/merchant-alerts';
import { NotificationSources, type SourceLimits } from './shop/notification-sources';
import { createOrderHandlers, STOCK_LOCKING_ACTIONS } from './shop/order-conversation';
import { createPaymentService, type PaymentService } from './shop/payment-service';
import { NO_DELIVERY, ShopSettings } from './shop/shop-settings';

export interface RuntimeOptions {
  config: Config;
  database: Database;
  logger: Logger;
  now?: () => number;
  /** Fastify logger (pino options or instance); off by default in tests. */
  httpLogger?: Parameters<typeof buildApp>[0]['logger'];
  /** Poll intervals; tests shorten them. */
  pollMs?: number;
  extraPlugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** Use this QPay client instead of one built from config.qpay (tests wrap the real one). */
  qpayClient?: QpayClient;
  /** "Back to LINE" link on the payment result page (default config.backToLineUrl). */
  lineUrl?: string;
  /** Test failpoints: simulate a process dying at a given step. */
  failpoints?: { afterBankCall?: (payment: Payment) => Promise<void> | void };
  /** How long the return page waits for the bank (default 8 s). */
  returnWaitMs?: number;
  /** Per-source limits on bank notifications (tests lower them; production uses the defaults). */
  sourceLimits?: Partial<SourceLimits>;
}

export interface Runtime {
  app: FastifyInstance;
  metrics: ShopMetrics;
  line: LineApi;
  eventWorker: EventWorker;
  outboxSender: OutboxSender;
  pollers: Poller[];
  /** Present when QPay is configured. */
  qpay: QpayClient | undefined;
  payments: PaymentService | undefined;
  orderSubmitter: OrderSubmitter | undefined;
  expirySweeper: ExpirySweeper | undefined;
  reconciler: Reconciler | undefined;
  /** Per-source limits on bank callbacks; present when QPay is configured. */
  notificationSources: NotificationSources | undefined;
  /** The shop's effective profile and delivery settings (console over environment), for checkout and the chat. */
  settings: ShopSettings;
  /** Every merchant console route (method, URL, whether it is public), as registered. */
  adminRoutes: NonNullable<ConsoleDeps['routeRegistry']>;
  /** Starts the background jobs (the app is listened on by the caller). */
  startJobs(): void;
  /** Stops jobs and closes the app (not the database: the caller owns it). */
  stop(): Promise<void>;
}

/** Event batches handled side by side on PostgreSQL (the pool has 10 connections). */
const EVENT_LANES_POSTGRES = 4;

/** How often old inbox and outbox rows are cleared away. */
const HOUSEKEEPING_MS = 60 * 60_000;

export const MEDIA_DIR = join(__dirname, '..', 'db', 'seed', 'media');

/** How a failed LINE or bank call is labelled in the metrics: LINE's failure kind, or the error class. */
function errorKind(err: unknown): string {
  if (err instanceof LineSendError) return err.kind;
  return err instanceof Error ? err.name : 'unknown';
}

/** The payment service with each confirmation's outcome counted. */
function countConfirmations(service: PaymentService, metrics: ShopMetrics): PaymentService {
  return {
    ...service,
    confirmPayment: async (token, source) => {
      const outcome = await service.confirmPayment(token, source);
      metrics.paymentConfirmation(outcome.kind);
      return outcome;
    },
  };
}

export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, database, logger } = opts;
  let stopping: Promise<void> | undefined;
  const now = opts.now ?? Date.now;
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const metrics = createMetrics({ db: database.db, now });
  const line = instrumentCalls(
    createLineApi({ channelAccessToken: config.line.channelAccessToken, apiBaseUrl: config.line.apiBaseUrl }),
    'line',
    metrics,
    errorKind,
  );
  const outboxSender = new OutboxSender(database.db, line, now, logger.child({ job: 'outbox' }));
  const pollMs = opts.pollMs ?? 1000;
  const outboxPoller = new Poller('outbox', () => outboxSender.tick(), pollMs, logger);
  const wakeOutbox = () => outboxPoller.wake();

  // Payments: only when QPay is configured (in sandbox mode, the bank simulator's credentials).
  const bankClient = opts.qpayClient ?? (config.qpay ? createQpayClient(config.qpay) : undefined);
  const ownsQpay = opts.qpayClient === undefined && bankClient !== undefined;
  const qpay = bankClient && instrumentCalls(bankClient, 'bank', metrics, errorKind);
  let payments: PaymentService | undefined;
  let orderSubmitter: OrderSubmitter | undefined;
  let expirySweeper: ExpirySweeper | undefined;
  let reconciler: Reconciler | undefined;
  let notificationSources: NotificationSources | undefined;
  const paymentPollers: Poller[] = [];
  const plugins = [...(opts.extraPlugins ?? [])];
  if (qpay) {
    payments = countConfirmations(
      createPaymentService({
        db: database.db,
        qpay,
        now,
        logger: logger.child({ job: 'payments' }),
        shopName: config.shopName,
        onMessagesQueued: wakeOutbox,
      }),
      metrics,
    );
    orderSubmitter = new OrderSubmitter({
      db: database.db,
      qpay,
      now,
      logger: logger.child({ job: 'order-submitter' }),
      config: config.payments,
      shopName: config.shopName,
      publicBaseUrl: config.publicBaseUrl,
      onMessagesQueued: wakeOutbox,
      afterBankCall: opts.failpoints?.afterBankCall,
    });
    notificationSources = new NotificationSources(
      database.db,
      now,
      logger.child({ job: 'notification-sources' }),
      config.payments.notifyAllowIps ? new AddressList(config.payments.notifyAllowIps) : undefined,
      opts.sourceLimits,
    );
    const jobDeps = {
      sources: notificationSources,
      db: database.db,
      payments,
      now,
      logger: logger.child({ job: 'payment-jobs' }),
      config: config.payments,
      onMessagesQueued: wakeOutbox,
    };
    expirySweeper = new ExpirySweeper(jobDeps);
    reconciler = new Reconciler(jobDeps);
    const submitter = orderSubmitter;
    const sweeper = expirySweeper;
    const rec = reconciler;
    paymentPollers.push(
      new Poller('order-submitter', () => submitter.tick(), pollMs, logger),
      new Poller('expiry-sweeper', () => sweeper.tick(), Math.max(pollMs, 5_000), logger),
      new Poller('reconciler', () => rec.tick(), Math.max(pollMs, 5_000), logger),
    );
    const reconcilerPoller = paymentPollers[2] as Poller;
    plugins.push(
      qpayRoutes({
        db: database.db,
        shopNo: qpay.shopNo,
        payments,
        now,
        logger: logger.child({ route: 'qpay' }),
        shopName: config.shopName,
        lineUrl: opts.lineUrl ?? config.backToLineUrl,
        onTokenRecorded: () => reconcilerPoller.wake(),
        returnWaitMs: opts.returnWaitMs,
        sources: notificationSources,
      }),
    );
  }
  const submitterPoller = paymentPollers[0];
  // Shared by the webhook (writes) and the event worker (waits for it): acknowledging LINE first.
  const inbox = new InboxWriter(database.db, now, () => eventPoller.wake());
  // The console's settings win over the environment's (README: "Merchant console"); NO_DELIVERY
  // stands in for the delivery issue's config.delivery until the two branches meet.
  const settings = new ShopSettings(database.db, { profile: config.profile, delivery: NO_DELIVERY });
  const conversation = createConversation({
    profile: async (trx) => (await settings.get(trx)).profile,
    publicBaseUrl: config.publicBaseUrl,
    handlers: createOrderHandlers({
      config: config.payments,
      paymentsEnabled: qpay !== undefined,
      wakeSubmitter: () => submitterPoller?.wake(),
      logger: logger.child({ job: 'events' }),
    }),
    ownTransaction: STOCK_LOCKING_ACTIONS,
    onText: (trx, userId, typed) => bindIfCode(trx, userId, typed, now()),
  });
  const eventWorker = new EventWorker({
    db: database.db,
    // Counted once the event's transaction has committed (a rolled-back attempt is not handled).
    handle: (ctx, event) => {
      ctx.afterCommit(() => metrics.eventHandled(event.type));
      return conversation.handle(ctx, event);
    },
    needsOwnTransaction: conversation.needsOwnTransaction,
    outbox: outboxSender,
    now,
    logger: logger.child({ job: 'events' }),
    owner,
    apology: conversation.apology,
    beforeTransaction: () => inbox.whenIdle(),
    // PostgreSQL takes concurrent transactions (and each waits on a network round trip).
    lanes: database.dialect === 'postgres' ? EVENT_LANES_POSTGRES : 1,
  });
  const eventPoller = new Poller('events', () => eventWorker.tick(), pollMs, logger);
  const housekeeper = new Housekeeper(database.db, now, config.retentionMs);
  const housekeepingPoller = new Poller('housekeeping', () => housekeeper.tick(), HOUSEKEEPING_MS, logger);
  // Merchant alerts: checked every 10 s (the digest interval decides how often one goes out).
  const alertPoller = new Poller(
    'merchant-alerts',
    async () => {
      if ((await sendDueAlerts(database.db, `${config.publicBaseUrl}/admin`, now())) > 0) wakeOutbox();
      return false;
    },
    Math.max(pollMs, 10_000),
    logger,
  );
  const pollers = [eventPoller, outboxPoller, ...paymentPollers, housekeepingPoller, alertPoller];

  // Made before the media route resolves it (a missing folder would serve nothing).
  await mkdir(config.admin.uploadDir, { recursive: true });
  const adminRoutes: Runtime['adminRoutes'] = [];
  plugins.push(
    consolePlugin({
      db: database.db,
      now,
      config,
      qpay,
      wakeOutbox,
      settings,
      logger: logger.child({ route: 'admin' }),
      routeRegistry: adminRoutes,
    }),
  );
  const app = await buildApp({
    db: database.db,
    channelSecret: config.line.channelSecret,
    now,
    onEventsStored: () => eventPoller.wake(),
    inbox,
    logger: opts.httpLogger,
    trustProxy: config.trustProxy,
    mediaDir: MEDIA_DIR,
    uploadDir: config.admin.uploadDir,
    plugins,
    ops: { metrics, metricsToken: config.metricsToken, readyMaxEventAgeMs: config.readyMaxEventAgeMs },
  });

  return {
    app,
    metrics,
    line,
    eventWorker,
    outboxSender,
    pollers,
    qpay,
    payments,
    orderSubmitter,
    adminRoutes,
    settings,
    expirySweeper,
    reconciler,
    notificationSources,
    startJobs: () => {
      for (const p of pollers) p.start();
    },
    // Idempotent: a test (or a second signal) may stop an instance that is already stopped.
    stop: () => {
      stopping ??= (async () => {
        await app.close();
        await Promise.all(pollers.map((p) => p.stop()));
        if (ownsQpay) await bankClient?.close();
        await line.close();
        metrics.close();
      })();
      return stopping;
    },
  };
}
