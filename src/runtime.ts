/**
 * Longer than 400 lines because it is the one place that wires every part of a shop instance
 * (payments, delivery, shipping, quota, console, conversation) — kept flat so the order is visible.
 *
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
import type { Config, DeliveryConfig } from './config';
import type { Database, Executor } from './db/database';
import type { Payment } from './db/types';
import { deliveryRoutes } from './delivery/delivery-routes';
import { createEcpayLogisticsClient, type EcpayLogisticsClient } from './ecpay';
import { Housekeeper } from './jobs/housekeeping';
import { LineQuotaRefresher } from './jobs/line-quota-refresher';
import { OrderSubmitter } from './jobs/order-submitter';
import { ExpirySweeper, Reconciler } from './jobs/payment-jobs';
import { Poller } from './jobs/poller';
import { ShippingTimers, StoreShipmentCreator } from './jobs/shipping-jobs';
import { EventWorker } from './line/event-worker';
import { DEFAULT_PACING, type InboxPacing, InboxWriter } from './line/inbox-writer';
import { createLineApi, type LineApi, LineSendError } from './line/line-api';
import { OutboxSender } from './line/outbox-sender';
import type { Logger } from './logger';
import { ecpayRoutes, STATUS_PATH, STORE_CLOSED_PATH } from './logistics/ecpay-routes';
import { createMetrics, instrumentCalls, type ShopMetrics } from './metrics';
import { qpayRoutes } from './payments/qpay-routes';
import { createQpayClient, type QpayClient } from './qpay';
import { createConversation } from './shop/conversation';
import { deliveryLinkKey } from './shop/delivery-link';
import type { DeliverySettings } from './shop/delivery-service';
import { bindIfCode, sendDueAlerts } from './shop/merchant-alerts';
import { NotificationSources, type SourceLimits } from './shop/notification-sources';
import { createOrderHandlers, STOCK_LOCKING_ACTIONS } from './shop/order-conversation';
import { createPaymentService, type PaymentService } from './shop/payment-service';
import { createPushBudget } from './shop/push-budget';
import { queueStoreShipmentOnPayment } from './shop/shipping-service';
import { ShopSettings } from './shop/shop-settings';

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
  /** The webhook's pacing (tests lower the limit; production uses DEFAULT_PACING). */
  inboxPacing?: InboxPacing;
  /** Per-source limits on bank notifications (tests lower them; production uses the defaults). */
  sourceLimits?: Partial<SourceLimits>;
  /** Use this ECPay logistics client instead of one built from config.ecpayLogistics. */
  ecpayClient?: EcpayLogisticsClient;
}

export interface Runtime {
  app: FastifyInstance;
  metrics: ShopMetrics;
  line: LineApi;
  eventWorker: EventWorker;
  /** The webhook's group commit and pacing (its backlog count is the worker's, see inbox-writer.ts). */
  inbox: InboxWriter;
  outboxSender: OutboxSender;
  /** Reads LINE's quota figures; lets last month's held notices out. */
  quotaRefresher: LineQuotaRefresher;
  pollers: Poller[];
  /** Present when QPay is configured. */
  qpay: QpayClient | undefined;
  payments: PaymentService | undefined;
  orderSubmitter: OrderSubmitter | undefined;
  expirySweeper: ExpirySweeper | undefined;
  reconciler: Reconciler | undefined;
  /** Per-source limits on bank callbacks; present when QPay is configured. */
  notificationSources: NotificationSources | undefined;
  /** Present when ECPay logistics and a sender are configured. */
  storeShipments: StoreShipmentCreator | undefined;
  shippingTimers: ShippingTimers;
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

/** How often home deliveries are auto-completed, pickup reminders sent and recipients anonymized. */
const SHIPPING_TIMERS_MS = 10 * 60_000;
/** How often the LINE quota job looks whether LINE's figures are due (it reads them every 10 minutes). */
const QUOTA_POLL_MS = 60_000;

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
  // Pushes cost the merchant's LINE quota: the budget decides which may go (src/shop/push-budget.ts).
  const pushBudget = createPushBudget({
    db: database.db,
    configuredBudget: config.linePushBudget,
    logger: logger.child({ job: 'push-budget' }),
  });
  const outboxSender = new OutboxSender(database.db, line, now, logger.child({ job: 'outbox' }), pushBudget);
  const pollMs = opts.pollMs ?? 1000;
  const outboxPoller = new Poller('outbox', () => outboxSender.tick(), pollMs, logger);
  const wakeOutbox = () => outboxPoller.wake();
  const quotaRefresher = new LineQuotaRefresher({
    db: database.db,
    line,
    now,
    logger: logger.child({ job: 'line-quota' }),
    onMessagesQueued: wakeOutbox,
    onFiguresStored: (t) => pushBudget.afterPushes(t),
  });

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

  // Shipping: ECPay store shipments when ECPay logistics and a sender are configured.
  const ecpayConfig = config.ecpayLogistics;
  const sender = config.shipping.sender;
  const ecpay = ecpayConfig && sender ? (opts.ecpayClient ?? createEcpayLogisticsClient(ecpayConfig)) : undefined;
  const ownsEcpay = opts.ecpayClient === undefined && ecpay !== undefined;
  let storeShipments: StoreShipmentCreator | undefined;
  const shippingPollers: Poller[] = [];
  if (ecpay && ecpayConfig && sender) {
    storeShipments = new StoreShipmentCreator({
      db: database.db,
      ecpay,
      now,
      logger: logger.child({ job: 'store-shipments' }),
      sender,
      serverReplyUrl: config.publicBaseUrl + STATUS_PATH,
      c2cReplyUrl: config.publicBaseUrl + STORE_CLOSED_PATH,
    });
    const creator = storeShipments;
    shippingPollers.push(new Poller('store-shipments', () => creator.tick(), pollMs, logger));
    plugins.push(
      ecpayRoutes({
        db: database.db,
        config: ecpayConfig,
        now,
        logger: logger.child({ route: 'ecpay' }),
        onMessagesQueued: wakeOutbox,
      }),
    );
  }
  const shippingTimers = new ShippingTimers({
    db: database.db,
    now,
    logger: logger.child({ job: 'shipping-timers' }),
    config: config.shipping,
    onMessagesQueued: wakeOutbox,
  });
  shippingPollers.push(
    new Poller('shipping-timers', () => shippingTimers.tick(), Math.max(pollMs, SHIPPING_TIMERS_MS), logger),
  );
  const autoShip = storeShipments !== undefined && config.shipping.cvsAutoShip;
  // The console's settings win over the environment's (README: "Merchant console").
  const settings = new ShopSettings(database.db, { profile: config.profile, delivery: config.delivery });
  // Store pickup needs ECPay's map and shipments: without the ECPay variables no setting can offer it.
  const deliveryNow = async (executor?: Executor): Promise<DeliveryConfig> => {
    const { delivery } = await settings.get(executor);
    return config.ecpayLogistics ? delivery : { ...delivery, cvsFee: null };
  };
  if (qpay) {
    payments = countConfirmations(
      createPaymentService({
        db: database.db,
        qpay,
        now,
        logger: logger.child({ job: 'payments' }),
        shopName: () => settings.latestName(),
        onMessagesQueued: wakeOutbox,
        afterPaid: autoShip ? queueStoreShipmentOnPayment : undefined,
      }),
      metrics,
    );
    orderSubmitter = new OrderSubmitter({
      db: database.db,
      qpay,
      now,
      logger: logger.child({ job: 'order-submitter' }),
      config: config.payments,
      shopName: () => settings.latestName(),
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
        shopName: () => settings.latestName(),
        lineUrl: opts.lineUrl ?? config.backToLineUrl,
        onTokenRecorded: () => reconcilerPoller.wake(),
        returnWaitMs: opts.returnWaitMs,
        sources: notificationSources,
      }),
    );
  }
  const submitterPoller = paymentPollers[0];
  // The delivery step (issue 13): page links signed with a key derived from the channel secret.
  const deliverySettings: DeliverySettings = {
    delivery: config.delivery,
    ecpay: config.ecpayLogistics,
    linkKey: deliveryLinkKey(config.line.channelSecret),
    publicBaseUrl: config.publicBaseUrl,
  };
  plugins.push(
    deliveryRoutes({
      db: database.db,
      settings: deliverySettings,
      deliveryConfig: () => deliveryNow(),
      shopName: () => settings.latestName(),
      lineUrl: opts.lineUrl ?? config.backToLineUrl,
      now,
      logger: logger.child({ route: 'delivery' }),
      onMessagesQueued: wakeOutbox,
    }),
  );
  // Shared by the webhook (writes) and the event worker (waits for it): acknowledging LINE first.
  let behindSince = 0;
  const inbox = new InboxWriter(
    database.db,
    now,
    () => eventPoller.wake(),
    opts.inboxPacing ?? DEFAULT_PACING,
    (ms, backlog) => {
      metrics.webhookHeld(ms / 1000);
      // Once a minute at most: a merchant tailing the log learns the shop is behind, not every batch.
      if (now() - behindSince >= 60_000) {
        behindSince = now();
        logger.warn(
          { backlog, heldMs: ms },
          'the shop is behind: acknowledging LINE at the pace events are handled (pacing)',
        );
      }
    },
  );
  const conversation = createConversation({
    profile: async (trx) => (await settings.get(trx)).profile,
    publicBaseUrl: config.publicBaseUrl,
    handlers: createOrderHandlers({
      config: config.payments,
      delivery: deliverySettings,
      deliveryConfig: (ctx) => deliveryNow(ctx.trx),
      paymentsEnabled: qpay !== undefined,
      wakeSubmitter: () => submitterPoller?.wake(),
      logger: logger.child({ job: 'events' }),
    }),
    ownTransaction: STOCK_LOCKING_ACTIONS,
    faqSettings: async (trx) => ({
      delivery: await deliveryNow(trx),
      paymentsEnabled: qpay !== undefined,
      cardPayMinutes: config.payments.cardPayMinutes,
      atmExpireDays: config.payments.atmExpireDays,
    }),
    handoffIdleMs: config.handoffIdleMs,
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
    onHandled: (count) => inbox.handled(count),
    onDrained: () => inbox.drained(),
    showLoading: (chatId, seconds) => line.showLoading(chatId, seconds),
    // PostgreSQL takes concurrent transactions (and each waits on a network round trip).
    lanes: database.dialect === 'postgres' ? EVENT_LANES_POSTGRES : 1,
  });
  const eventPoller = new Poller('events', () => eventWorker.tick(), pollMs, logger);
  const housekeeper = new Housekeeper(database.db, now, config.retentionMs);
  const housekeepingPoller = new Poller('housekeeping', () => housekeeper.tick(), HOUSEKEEPING_MS, logger);
  const quotaPoller = new Poller('line-quota', () => quotaRefresher.tick(), QUOTA_POLL_MS, logger);
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
  const pollers = [
    eventPoller,
    outboxPoller,
    ...paymentPollers,
    ...shippingPollers,
    housekeepingPoller,
    quotaPoller,
    alertPoller,
  ];

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
    inbox,
    outboxSender,
    quotaRefresher,
    pollers,
    qpay,
    payments,
    orderSubmitter,
    adminRoutes,
    settings,
    expirySweeper,
    reconciler,
    notificationSources,
    storeShipments,
    shippingTimers,
    startJobs: () => {
      for (const p of pollers) p.start();
    },
    // Idempotent: a test (or a second signal) may stop an instance that is already stopped.
    stop: () => {
      stopping ??= (async () => {
        await app.close();
        await Promise.all(pollers.map((p) => p.stop()));
        if (ownsQpay) await bankClient?.close();
        if (ownsEcpay) await ecpay?.close();
        await line.close();
        metrics.close();
      })();
      return stopping;
    },
  };
}
