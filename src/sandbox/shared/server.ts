/**
 * What the bank and logistics simulators' HTTP servers share: admin errors, the page helpers,
 * one-at-a-time due jobs, the listen step that works out the simulator's URL, and the tick timer.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../logger';

/** A refusal of an admin action, answered with its status and `{ error }`. */
export class AdminError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** The error handler for a simulator: admin refusals as they are, anything else with its status (500 logged). */
export function simErrorHandler(logger: Logger) {
  return (err: FastifyError | Error, _req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof AdminError) return reply.code(err.statusCode).send({ error: err.message });
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) logger.warn({ error: err instanceof Error ? err.message : String(err) }, 'internal error');
    return reply.code(status).send({ error: err instanceof Error ? err.message : 'error' });
  };
}

export function html(reply: FastifyReply, body: string, status = 200) {
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(body);
}

/** An admin action sent from the page (`?html=1`) goes back to the page; from a script it gets the result. */
export function backToAdmin(req: { query: unknown }, reply: FastifyReply, result: unknown) {
  return (req.query as { html?: string }).html ? reply.redirect('/sim', 303) : result;
}

/** Runs work one piece at a time, in the order asked; a failure does not stop the queue. */
export interface SerialQueue {
  run<T>(work: () => Promise<T>): Promise<T>;
  /** Resolves once everything queued so far has finished. */
  idle(): Promise<unknown>;
}

export function serialQueue(): SerialQueue {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    run(work) {
      const next = tail.then(work);
      tail = next.catch(() => {});
      return next;
    },
    idle: () => tail,
  };
}

/** Listens and returns the simulator's URL (a wildcard host is reached through 127.0.0.1). */
export async function listenForUrl(app: FastifyInstance, options: { host?: string; port?: number }): Promise<string> {
  const host = options.host ?? '127.0.0.1';
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  return `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
}

/** Runs due jobs every `tickMs` (0: never); the timer does not keep the process alive. Returns its stop. */
export function startTicker(tickMs: number, runDueJobs: () => Promise<unknown>, logger: Logger): () => void {
  if (tickMs <= 0) return () => {};
  const timer = setInterval(() => {
    runDueJobs().catch((err: unknown) => logger.warn({ error: String(err) }, 'due jobs failed'));
  }, tickMs);
  timer.unref();
  return () => clearInterval(timer);
}
