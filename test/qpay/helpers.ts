/** Test helpers: a movable clock, a simulator + client pair, and a little shop server receiving callbacks. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createQpayClient, type QpayClient } from '../../src/qpay';
import {
  type BankSimulator,
  type BankSimulatorOptions,
  DEMO_QPAY_CREDENTIALS,
  startBankSimulator,
} from '../../src/sandbox/bank';
import { type RecordingLogger, recordingLogger } from '../support/recording-logger';

/** 2025-01-15 10:00 Taiwan time. */
export const START = Date.UTC(2025, 0, 15, 2, 0, 0);

export function fakeClock(start = START) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface Harness {
  sim: BankSimulator;
  client: QpayClient;
  clock: ReturnType<typeof fakeClock>;
  logger: RecordingLogger;
  close(): Promise<void>;
}

export async function startHarness(options: BankSimulatorOptions = {}): Promise<Harness> {
  const clock = fakeClock();
  const logger = recordingLogger();
  const sim = await startBankSimulator({ now: clock.now, logger, tickIntervalMs: 0, ...options });
  const client = createQpayClient({ baseUrl: sim.baseUrl, ...sim.credentials });
  return {
    sim,
    client,
    clock,
    logger,
    async close() {
      await client.close();
      await sim.close();
    },
  };
}

export interface ShopCallback {
  path: string;
  contentType: string;
  body: string;
}

/** A real HTTP server standing in for the shop: records BackendURL and ReturnURL posts. */
export async function startShopServer() {
  const received: ShopCallback[] = [];
  const waiters: Array<() => void> = [];
  /** Answers for the next notifications; default {"Status":"S"}. */
  const answers: Array<{ status: number; body: string }> = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'] ?? '',
        body: Buffer.concat(chunks).toString('utf8'),
      });
      for (const w of waiters.splice(0)) w();
      const answer = answers.shift() ?? { status: 200, body: '{"Status":"S"}' };
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    answers,
    notifications: () =>
      received
        .filter((r) => r.path === '/notify')
        .map((r) => JSON.parse(r.body) as { ShopNo: string; PayToken: string }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function httpGet(url: string) {
  const res = await request(url, { reset: true });
  return { status: res.statusCode, text: await res.body.text() };
}

export async function httpPostForm(url: string, fields: Record<string, string>) {
  const res = await request(url, {
    method: 'POST',
    reset: true,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** Fills the hosted card form found at payUrl and submits it, as a browser would. */
export async function payWithCard(payUrl: string, cardNo: string, expiry = '12/30', cvc = '123') {
  const u = new URL(payUrl);
  const post = `${u.origin}${u.pathname}`;
  return httpPostForm(post, {
    TD: u.searchParams.get('TD') ?? '',
    TK: u.searchParams.get('TK') ?? '',
    CardNo: cardNo,
    Expiry: expiry,
    CVC: cvc,
  });
}

/** Hidden inputs of the first form in an HTML page, and its action. */
export function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g))
    fields[m[1] as string] = m[2] as string;
  return { action: action.replace(/&#38;/g, '&'), fields };
}

export { DEMO_QPAY_CREDENTIALS };
