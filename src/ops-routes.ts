/**
 * Routes for whoever runs the shop: GET /metrics (Prometheus) and GET /readyz (is the inbox
 * draining?). /healthz, the cheap liveness probe, stays in app.ts.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Executor } from './db/database';
import { inboxBacklog } from './line/inbox-repository';
import type { ShopMetrics } from './metrics';

export interface OpsRouteOptions {
  db: Executor;
  now: () => number;
  metrics: ShopMetrics;
  /** Bearer token for /metrics; undefined: only local, unproxied requests may read it. */
  metricsToken: string | undefined;
  /** The oldest unhandled event may be this old before /readyz looks at whether it is draining. */
  readyMaxEventAgeMs: number;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
/** A reverse proxy on the same machine connects from loopback: these headers give it away. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'];

/** A request made on this machine itself, not relayed by a proxy from outside. */
export function isLocalRequest(req: FastifyRequest): boolean {
  const peer = req.raw.socket.remoteAddress ?? '';
  return LOOPBACK.has(peer) && !FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined);
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1] as string);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function opsRoutes(app: FastifyInstance, opts: OpsRouteOptions): Promise<void> {
  app.get('/metrics', async (req, reply) => {
    if (opts.metricsToken !== undefined) {
      if (!bearerMatches(req.headers.authorization, opts.metricsToken)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' });
      }
    } else if (!isLocalRequest(req)) {
      return reply
        .code(403)
        .send({ message: 'metrics are only served to this machine; set METRICS_TOKEN to scrape from elsewhere' });
    }
    return reply.type(opts.metrics.contentType).send(await opts.metrics.render());
  });

  // The previous probe's view of the inbox: progress between two probes means it is draining.
  let previous: { pending: number; oldestReceivedAt: number | null } | undefined;
  app.get('/readyz', async (_req, reply) => {
    let backlog: Awaited<ReturnType<typeof inboxBacklog>>;
    try {
      backlog = await inboxBacklog(opts.db);
    } catch (err) {
      app.log.error({ err }, 'readiness check: database unreachable');
      return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
    }
    const before = previous;
    previous = backlog;
    const oldestAgeMs = backlog.oldestReceivedAt === null ? 0 : Math.max(0, opts.now() - backlog.oldestReceivedAt);
    // Draining: since the last probe fewer events wait, or the oldest one was handled.
    const draining =
      before !== undefined &&
      (backlog.pending < before.pending ||
        (before.oldestReceivedAt !== null && backlog.oldestReceivedAt !== before.oldestReceivedAt));
    const ready = oldestAgeMs <= opts.readyMaxEventAgeMs || draining;
    const body = {
      status: ready ? 'ready' : 'backlog not draining',
      backlog: backlog.pending,
      oldestEventAgeSeconds: Math.round(oldestAgeMs / 100) / 10,
      draining,
    };
    return reply.code(ready ? 200 : 503).send(body);
  });
}
