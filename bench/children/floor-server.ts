/**
 * The floor: a bare Fastify route that only checks the LINE signature over the raw body and
 * answers 200. Nothing a real shop could do is faster, so our throughput is reported against it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import { reportRss } from './report-to-parent';

const secret = process.env.LINE_CHANNEL_SECRET ?? '';
const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
app.post('/line/webhook', async (req, reply) => {
  const raw = req.body as Buffer;
  const given = Buffer.from(String(req.headers['x-line-signature'] ?? ''), 'base64');
  const expected = createHmac('sha256', secret).update(raw).digest();
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return reply.code(401).send();
  return reply.code(200).send();
});
app.listen({ port: 0, host: '127.0.0.1' }).then((url) => reportRss(`${url}/line/webhook`, () => app.close()));
