/** Network failures are classified so callers know whether the bank may have seen the request. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createQpayClient, QpayNetworkError, QpayVerificationError } from '../../src/qpay';
import { DEMO_QPAY_CREDENTIALS } from './helpers';

const NONCE = Buffer.from(`63871234567890.1:${'ab'.repeat(32)}`).toString('base64');

/** A raw server: answers Nonce, then does `order` with the Order request. */
async function rawBank(order: 'hang' | 'destroy' | 'not-json') {
  const sockets = new Set<Socket>();
  let orderSeen!: () => void;
  const orderArrived = new Promise<void>((resolve) => {
    orderSeen = resolve;
  });
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/Nonce')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Nonce: NONCE }));
        return;
      }
      orderSeen();
      if (order === 'destroy') req.socket.destroy();
      if (order === 'not-json') res.writeHead(200).end('<html>maintenance</html>');
      // 'hang': never answer
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/`,
    orderArrived,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

test('connection refused: the request never reached the bank, so even OrderCreate may be retried', async () => {
  const client = createQpayClient({ ...DEMO_QPAY_CREDENTIALS, baseUrl: `http://127.0.0.1:${await closedPort()}/api/` });
  try {
    const err = await client
      .orderCreate({ payType: 'A', orderNo: 'N1', amount: 1, prdtName: 'x', expireDate: '20990101' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QpayNetworkError);
    expect(err).toMatchObject({ stage: 'nonce', mayHaveReachedBank: false, timedOut: false, retryable: true });
  } finally {
    await client.close();
  }
});

test('the bank accepts the Order and then hangs past headersTimeout: timed out, may have reached the bank', async () => {
  const bank = await rawBank('hang');
  const client = createQpayClient({ ...DEMO_QPAY_CREDENTIALS, baseUrl: bank.baseUrl }, { headersTimeoutMs: 300 });
  try {
    const create = await client
      .orderCreate({ payType: 'A', orderNo: 'N2', amount: 1, prdtName: 'x', expireDate: '20990101' })
      .catch((e: unknown) => e);
    await bank.orderArrived;
    expect(create).toBeInstanceOf(QpayNetworkError);
    expect(create).toMatchObject({ stage: 'order', mayHaveReachedBank: true, timedOut: true, retryable: false });
    const query = await client.orderQuery({ orderNo: 'N2' }).catch((e: unknown) => e);
    expect(query).toMatchObject({ name: 'QpayNetworkError', timedOut: true, retryable: true });
  } finally {
    await client.close();
    await bank.close();
  }
});

test('the connection drops after the Order was sent: not a timeout, may have reached the bank', async () => {
  const bank = await rawBank('destroy');
  const client = createQpayClient({ ...DEMO_QPAY_CREDENTIALS, baseUrl: bank.baseUrl });
  try {
    const err = await client.orderMaintain({ orderNo: 'N3', command: 'R' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QpayNetworkError);
    expect(err).toMatchObject({ stage: 'order', mayHaveReachedBank: true, timedOut: false, retryable: false });
  } finally {
    await client.close();
    await bank.close();
  }
});

test('an answer that is not JSON is a verification error, never data', async () => {
  const bank = await rawBank('not-json');
  const client = createQpayClient({ ...DEMO_QPAY_CREDENTIALS, baseUrl: bank.baseUrl });
  try {
    await expect(client.orderPayQuery('a'.repeat(64))).rejects.toBeInstanceOf(QpayVerificationError);
  } finally {
    await client.close();
    await bank.close();
  }
});
