/**
 * POST /line/webhook: verify the signature over the raw bytes, store every event in the inbox,
 * answer 200 at once, and let the event worker do the rest. LINE waits at most 2 s.
 *
 * A signed body is answered 200 even when some of its events do not fit LINE's schema: those are
 * stored as ignored with the reason (LINE would only redeliver the same bytes). Only a body that
 * is not a webhook envelope at all (not JSON, nested absurdly deep, no `events` array) gets a 400.
 */
import type { FastifyInstance } from 'fastify';
import type { InboxWriter } from './inbox-writer';
import { nestsDeeperThan } from './json-depth';
import { isValidSignature } from './signature';
import { toInboxEvents } from './webhook-events';
import { checkEnvelope } from './webhook-schema';

export interface WebhookRouteOptions {
  /** Stores the events (group commit) and wakes the event worker. */
  inbox: InboxWriter;
  channelSecret: string;
  /** Larger bodies are refused with 413 before they are read in full. */
  bodyLimit?: number;
}

/** LINE's events nest about 7 levels (body → events → event → message → mention → …). */
export const MAX_JSON_DEPTH = 32;

export async function webhookRoutes(app: FastifyInstance, opts: WebhookRouteOptions): Promise<void> {
  // Encapsulated: only this plugin reads JSON as raw bytes (the signature is over the bytes).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/line/webhook', { bodyLimit: opts.bodyLimit ?? 1024 * 1024 }, async (req, reply) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!isValidSignature(raw, opts.channelSecret, req.headers['x-line-signature'])) {
      req.log.warn({ reason: req.headers['x-line-signature'] ? 'mismatch' : 'missing' }, 'webhook signature rejected');
      return reply.code(401).send({ message: 'invalid or missing x-line-signature' });
    }
    if (nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
      return reply.code(400).send({ message: `body nests deeper than ${MAX_JSON_DEPTH} levels` });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ message: 'body is not valid JSON' });
    }
    const envelope = checkEnvelope(body);
    if (!envelope.ok) return reply.code(400).send({ message: `not a webhook body: ${envelope.reason}` });
    if (envelope.events.length > 0) {
      const rows = toInboxEvents(envelope.events);
      for (const r of rows) {
        // Once per event (redeliveries are deduped on insert, not here): id and reason, no content.
        if (r.malformed) req.log.warn({ eventId: r.webhookEventId, reason: r.ignoredReason }, 'webhook event ignored');
      }
      await opts.inbox.store(rows);
    }
    return { ok: true };
  });
}
