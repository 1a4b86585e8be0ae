import { messagingApi, validateSignature } from '@line/bot-sdk';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LineSimulator } from '../../../src/sandbox/line';

export interface TestBot {
  url: string;
  /** Every webhook body the bot accepted, parsed. */
  received: { destination: string; events: Record<string, unknown>[] }[];
  /** Every event, flattened. */
  events(): Record<string, unknown>[];
  close(): Promise<void>;
}

export type BotBehaviour = (
  event: Record<string, unknown>,
  client: messagingApi.MessagingApiClient,
) => Promise<void> | void;

/**
 * A tiny shop stand-in: verifies the signature over the raw body with the real SDK, records events
 * and runs `behaviour` (e.g. reply with a carousel) through the SDK's MessagingApiClient.
 */
export async function startTestBot(sim: LineSimulator, behaviour: BotBehaviour = () => {}): Promise<TestBot> {
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: sim.channelAccessToken,
    baseURL: sim.url,
  });
  const received: TestBot['received'] = [];
  const app: FastifyInstance = Fastify();
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/line/webhook', async (request, reply) => {
    const raw = request.body as Buffer;
    const signature = request.headers['x-line-signature'];
    if (typeof signature !== 'string' || !validateSignature(raw, sim.channelSecret, signature)) {
      return reply.code(401).send({ error: 'bad signature' });
    }
    const body = JSON.parse(raw.toString('utf8'));
    received.push(body);
    for (const event of body.events) await behaviour(event, client);
    return reply.code(200).send({});
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/line/webhook`,
    received,
    events: () => received.flatMap((body) => body.events),
    close: () => app.close(),
  };
}
