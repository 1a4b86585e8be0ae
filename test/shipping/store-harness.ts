/**
 * ECPay store shipments end to end, on one service shop: the logistics simulator (a real HTTP
 * server speaking ECPay's protocol) on the shop's test clock, the shop's ECPay routes on their own
 * port (ServerReplyURL), the Create job, and a proxy in front of the simulator that can swallow
 * Create's answer (the request reached ECPay, the answer never came back: a timeout).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { request } from 'undici';
import { DEMO_SENDER } from '../../src/config';
import { createEcpayLogisticsClient, type EcpayLogisticsConfig, sign } from '../../src/ecpay';
import { ECPAY_STAGE_C2C, type EcpayAccount } from '../../src/ecpay/stage';
import { StoreShipmentCreator } from '../../src/jobs/shipping-jobs';
import { silentLogger } from '../../src/logger';
import { ecpayRoutes, STATUS_PATH, STORE_CLOSED_PATH } from '../../src/logistics/ecpay-routes';
import { type LogisticsSimulator, startLogisticsSimulator } from '../../src/sandbox/logistics';
import type { ServiceShop } from '../support/service-harness';

export interface StoreRig {
  sim: LogisticsSimulator;
  /** The shop's ECPay routes, e.g. http://127.0.0.1:port */
  shopUrl: string;
  config: EcpayLogisticsConfig;
  creator: StoreShipmentCreator;
  /** swallowCreate: Create reaches ECPay, its answer never comes back; failQuery: Query answers HTTP 503. */
  proxy: { swallowCreate: boolean; failQuery: boolean; creates: number };
  /** POSTs a form to the shop's status route as ECPay would; the answer. */
  notify(fields: Record<string, string>, path?: string): Promise<{ status: number; body: string }>;
  /** A notification signed with the shop's keys (a genuine one, as ECPay would send it). */
  signed(fields: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export async function startStoreRig(shop: ServiceShop, account: EcpayAccount = ECPAY_STAGE_C2C): Promise<StoreRig> {
  const now = () => shop.clock.now();
  const sim = await startLogisticsSimulator({
    tickIntervalMs: 0,
    stepDelayMs: 0,
    now,
    notificationRetryDelaysMs: [60_000],
    logger: silentLogger,
  });
  // The proxy: forwards everything to the simulator; with swallowCreate, Create reaches the
  // simulator but its answer is held until the client gives up.
  const held: ServerResponse[] = [];
  const proxy = { swallowCreate: false, failQuery: false, creates: 0 };
  const proxyServer = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (proxy.failQuery && (req.url ?? '').startsWith('/Helper/QueryLogisticsTradeInfo')) {
        res.writeHead(503).end('busy');
        return;
      }
      const upstream = await request(sim.url + (req.url ?? '/'), {
        method: 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? '' },
        body: Buffer.concat(chunks),
      });
      const body = await upstream.body.text();
      if (req.url === '/Express/Create') proxy.creates++;
      if (req.url === '/Express/Create' && proxy.swallowCreate) {
        held.push(res);
        return;
      }
      res.writeHead(upstream.statusCode, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(body);
    });
  });
  const proxyUrl = await listen(proxyServer);
  const config: EcpayLogisticsConfig = { baseUrl: proxyUrl, ...account };

  const app: FastifyInstance = Fastify({ logger: false });
  await app.register(
    ecpayRoutes({ db: shop.database.db, config, now, logger: silentLogger, onMessagesQueued: () => {} }),
  );
  await app.listen({ port: 0, host: '127.0.0.1' });
  const shopUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const ecpay = createEcpayLogisticsClient(config, { now, headersTimeoutMs: 300 });
  const creator = new StoreShipmentCreator({
    db: shop.database.db,
    ecpay,
    now,
    logger: silentLogger,
    sender: DEMO_SENDER,
    serverReplyUrl: shopUrl + STATUS_PATH,
    c2cReplyUrl: shopUrl + STORE_CLOSED_PATH,
  });
  return {
    sim,
    shopUrl,
    config,
    creator,
    proxy,
    async notify(fields, path = STATUS_PATH) {
      const res = await request(shopUrl + path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      return { status: res.statusCode, body: await res.body.text() };
    },
    signed: (fields) => sign(fields, account),
    async close() {
      for (const res of held) res.destroy();
      await ecpay.close();
      await app.close();
      await new Promise<void>((resolve) => proxyServer.close(() => resolve()));
      await sim.close();
    },
  };
}
