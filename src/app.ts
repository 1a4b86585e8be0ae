/**
 * buildApp: the HTTP face of the shop — routes only, no side effects at import time. Everything
 * it needs is passed in, so a test can build two apps side by side.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { cjkFontRoutes } from './cjk-font';
import type { TrustProxy } from './config';
import type { Executor } from './db/database';
import { StorageHealth } from './db/health';
import { lazyRequestLogger } from './http/lazy-request-logger';
import { InboxWriter } from './line/inbox-writer';
import { webhookRoutes } from './line/webhook-route';
import { mediaRoutes } from './media-route';
import { type OpsRouteOptions, opsRoutes } from './ops-routes';

export interface AppDeps {
  db: Executor;
  channelSecret: string;
  now: () => number;
  onEventsStored: () => void;
  /** The inbox writer, when the caller shares it with the event worker; made here otherwise. */
  inbox?: InboxWriter;
  /** Extra route plugins (payments, sandbox pages) registered by the runtime. */
  plugins?: Array<(app: FastifyInstance) => Promise<void>>;
  /** The process logger; without one the app logs nothing (tests). */
  logger?: FastifyBaseLogger;
  /** Folder of static catalog images served under /media/. */
  mediaDir?: string;
  /** Folder of images uploaded in the console, served under /media/uploads/. */
  uploadDir?: string;
  /** GET /metrics and /readyz; the webhook's answers are timed into these metrics. */
  ops?: Omit<OpsRouteOptions, 'db' | 'now'>;
  /** Which proxies may name the client (X-Forwarded-For): TRUST_PROXY. Default: none. */
  trustProxy?: TrustProxy;
  /** Monotonic clock of the /healthz cache (tests step it; default performance.now). */
  healthClock?: () => number;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    // Bodies we accept are small; oversized ones get 413 from Fastify itself.
    bodyLimit: 1024 * 1024,
    // Per-request log lines cost more than the webhook's own work; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    // req.ip is the source the bank-callback limits count by (see README, "Forged notifications").
    trustProxy: deps.trustProxy ?? false,
  });

  // Healthy means "can store an event": an instance whose database refuses writes must leave the
  // load balancer's rotation, or the LINE traffic sent to it fails (see db/health.ts).
  const health = new StorageHealth(deps.db, {
    now: deps.now,
    ...(deps.healthClock ? { clock: deps.healthClock } : {}),
    onChange: (state) => {
      if (state.ok) app.log.info('health: the database takes writes again; /healthz answers 200');
      else
        app.log.error(`health: the database cannot store events (${state.error}); /healthz answers 503 until it can`);
    },
  });
  app.get('/healthz', async (_req, reply) => {
    const state = await health.check();
    if (state.ok) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable', reason: 'database cannot be written' });
  });

  const ops = deps.ops;
  if (ops) {
    app.addHook('onResponse', (req, reply, done) => {
      if (req.routeOptions.url === '/line/webhook')
        ops.metrics.observeWebhook(reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    await app.register(opsRoutes, { ...ops, db: deps.db, now: deps.now });
  }
  await app.register(webhookRoutes, {
    inbox: deps.inbox ?? new InboxWriter(deps.db, deps.now, deps.onEventsStored),
    channelSecret: deps.channelSecret,
  });
  if (deps.mediaDir) await app.register(mediaRoutes, { dir: deps.mediaDir });
  if (deps.uploadDir) await app.register(mediaRoutes, { dir: deps.uploadDir, at: '/media/uploads' });
  // The payment result page's CJK font (see cjk-font.ts).
  await app.register(cjkFontRoutes);
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}
