/**
 * The shop's outbound HTTP (src/http/outbound.ts) against real sockets: what each failure says about
 * whether the request may have arrived, its timeouts, its bound on answers, and kept-alive connections.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServer as createTcpServer, type Socket, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ANSWER_BYTES, type OutboundRequest, outbound, TransportError } from '../src/http/outbound';

interface Peer {
  url: string;
  connections: number;
  close(): Promise<void>;
}

/** A plain TCP or HTTP server on a free port, every socket destroyed on close. */
async function listen(server: Server | TcpServer, scheme: string): Promise<Peer> {
  const sockets = new Set<Socket>();
  const peer: Peer = { url: '', connections: 0, close: async () => {} };
  server.on('connection', (s: Socket) => {
    peer.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return peer;
}

const httpPeer = (handler: (req: IncomingMessage, res: ServerResponse) => void) =>
  listen(createServer(handler), 'http');

async function failureOf(p: Promise<unknown>): Promise<TransportError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof TransportError) return err;
  throw new Error(`expected a TransportError, got ${String(err)}`);
}

const client = outbound({ connectTimeoutMs: 300, headersTimeoutMs: 300, bodyTimeoutMs: 300 });
afterAll(() => client.close());

const POST: OutboundRequest = { method: 'POST', headers: {}, body: '{}' };

/** How one request to `peer` failed; the peer is closed afterwards. */
async function failureAt(peer: Peer, request: OutboundRequest = POST): Promise<TransportError> {
  try {
    return await failureOf(client.send(peer.url, request));
  } finally {
    await peer.close();
  }
}

test('posts the body with its length and reads the whole answer, over one kept-alive connection', async () => {
  const peer = await httpPeer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => res.end(JSON.stringify({ got: body, length: req.headers['content-length'] })));
  });
  try {
    const a = await client.send(peer.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '珍珠' });
    expect(a).toEqual({ status: 200, text: JSON.stringify({ got: '珍珠', length: '6' }) });
    expect((await client.send(peer.url, { method: 'GET', headers: {} })).status).toBe(200);
    expect(peer.connections).toBe(1);
  } finally {
    await peer.close();
  }
});

test('each URL goes where it says: path and query kept, an IPv6 literal host, URLs parsed once reused', async () => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.headers.host} ${req.url}`);
    res.end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  const port = (server.address() as AddressInfo).port;
  try {
    const urls = [`http://[::1]:${port}/v2/bot/profile/U1?lang=zh`, `http://[::1]:${port}/v2/bot/profile/U2`];
    for (const url of [...urls, ...urls])
      expect((await client.send(url, { method: 'GET', headers: {} })).status).toBe(200);
    expect(seen).toEqual([
      `[::1]:${port} /v2/bot/profile/U1?lang=zh`,
      `[::1]:${port} /v2/bot/profile/U2`,
      `[::1]:${port} /v2/bot/profile/U1?lang=zh`,
      `[::1]:${port} /v2/bot/profile/U2`,
    ]);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a refused connection never reached the server', async () => {
  const peer = await httpPeer(() => {});
  const url = peer.url;
  await peer.close();
  const err = await failureOf(client.send(url, POST));
  expect(err).toMatchObject({ code: 'ECONNREFUSED', mayHaveArrived: false, timedOut: false });
});

test('a TLS handshake that never ends is a connect timeout: nothing of the request left', async () => {
  // Accepts TCP and then says nothing, so the TLS handshake waits forever.
  const peer = await listen(createTcpServer(), 'https');
  expect(await failureAt(peer)).toMatchObject({ code: 'CONNECT_TIMEOUT', mayHaveArrived: false, timedOut: true });
});

test('no answer in time is a headers timeout that may have arrived', async () => {
  const peer = await httpPeer(() => {});
  expect(await failureAt(peer)).toMatchObject({
    code: 'HEADERS_TIMEOUT',
    mayHaveArrived: true,
    timedOut: true,
    status: undefined,
  });
});

test('a body that stops coming is a body timeout, and keeps the status the server already sent', async () => {
  const peer = await httpPeer((_req, res) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('{"partial":');
  });
  expect(await failureAt(peer, { method: 'GET', headers: {} })).toMatchObject({
    code: 'BODY_TIMEOUT',
    mayHaveArrived: true,
    timedOut: true,
    status: 200,
  });
});

test('a connection dropped after the request was read may have arrived, and is no timeout', async () => {
  const peer = await httpPeer((req) => {
    req.resume();
    req.on('end', () => req.socket.destroy());
  });
  expect(await failureAt(peer)).toMatchObject({ code: 'ECONNRESET', mayHaveArrived: true, timedOut: false });
});

test('an answer larger than any real one is cut off instead of filling the memory', async () => {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  const peer = await httpPeer((_req, res) => {
    res.writeHead(200);
    let sent = 0;
    const more = () => {
      while (sent <= MAX_ANSWER_BYTES && res.write(chunk)) sent += chunk.length;
      if (sent <= MAX_ANSWER_BYTES) res.once('drain', more);
      else res.end();
    };
    more();
  });
  expect(await failureAt(peer, { method: 'GET', headers: {} })).toMatchObject({
    code: 'ANSWER_TOO_LARGE',
    mayHaveArrived: true,
    status: 200,
  });
});

test('a server whose certificate is not trusted never gets the request', async () => {
  // A throw-away self-signed certificate for 127.0.0.1, made for this test only.
  const dir = mkdtempSync(join(tmpdir(), 'outbound-tls-'));
  let arrived = 0;
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        arrived++;
        res.end('{}');
      },
    );
    expect(await failureAt(await listen(server, 'https'))).toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      mayHaveArrived: false,
      timedOut: false,
    });
    expect(arrived).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
