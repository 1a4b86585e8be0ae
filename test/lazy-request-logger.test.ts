/** Request loggers are made on a request's first log line, and that line still carries the request's id. */
import { Writable } from 'node:stream';
import Fastify, { LogController } from 'fastify';
import pino from 'pino';
import { lazyRequestLogger } from '../src/http/lazy-request-logger';
import { REDACT_PATHS } from '../src/logger';

test("a request that logs gets its id and the process logger's redaction; one that does not makes no child", async () => {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
  let children = 0;
  const child = logger.child.bind(logger);
  logger.child = ((...args: Parameters<typeof child>) => {
    children++;
    return child(...args);
  }) as typeof logger.child;
  const app = Fastify({
    loggerInstance: logger,
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
  });
  app.get('/quiet', async () => 'ok');
  app.get('/loud', async (req) => {
    req.log.warn({ config: { line: { channelSecret: 's3cret' } } }, 'something to say');
    return 'ok';
  });
  await app.ready();
  const before = children;
  try {
    for (let i = 0; i < 5; i++) expect((await app.inject('/quiet')).statusCode).toBe(200);
    expect(children - before).toBe(0);
    expect((await app.inject('/loud')).statusCode).toBe(200);
    expect(children - before).toBe(1);
    const line = lines.find((l) => l.msg === 'something to say');
    expect(line).toMatchObject({ level: 40, reqId: expect.any(String) });
    expect(JSON.stringify(line)).not.toContain('s3cret');
  } finally {
    await app.close();
  }
});
