/**
 * POST /line/webhook: verify the signature over the raw bytes, store every event in the inbox,
 * answer 200 at once, and let the event worker do the rest. LINE waits at most 2 s.
 */
import type { FastifyInstance } from 'fastify';
import type { InboxWriter } from './inbox-writer';
import { isValidSignature } from './signature';
import { toInboxEvents } from './webhook-events';

export interface WebhookRouteOptions {
  /** Stores the events (group commit) and wakes the event worker. */
  inbox: InboxWriter;
  channelSecret: string;
  /** Larger bodies are refused with 413 before they are read in full. */
  bodyLimit?: number;
}

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
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply.code(400).send({ message: 'body is not valid JSON' });
    }
    const events = (body as { events?: unknown })?.events;
    if (!Array.isArray(events)) return reply.code(400).send({ message: 'body must have an events array' });
    if (events.length > 0) await opts.inbox.store(toInboxEvents(events));
    return { ok: true };
  });
}
