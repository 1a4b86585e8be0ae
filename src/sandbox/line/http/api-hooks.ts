import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SimulatorContext } from '../context';
import { newRequestId } from '../ids';
import { jsonBody, sendLineError } from './line-errors';

const API_PREFIX = '/v2/';

interface CallInProgress {
  at: number;
  response?: unknown;
  /** Handled, then the connection is reset instead of answering (FaultInjector.dropResponseNext). */
  drop?: boolean;
}

function isApiCall(request: FastifyRequest): boolean {
  return request.url.startsWith(API_PREFIX);
}

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

function recordedBody(request: FastifyRequest): unknown {
  const raw = request.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return undefined;
  const contentType = String(request.headers['content-type'] ?? '');
  if (contentType.includes('json')) {
    const parsed = jsonBody(request);
    return parsed.ok ? parsed.value : raw.toString('utf8');
  }
  return { contentType, bytes: raw.length };
}

function parseResponse(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length === 0) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}

/** Unref'd: a caller that gave up waiting (a client timeout) must not keep the process alive. */
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/**
 * Cross-cutting behaviour of the simulated Messaging API: request IDs, injected latency and
 * failures, the bearer-token check, and the record of every call (with the status answered).
 */
export function registerApiHooks(app: FastifyInstance, ctx: SimulatorContext): void {
  const inProgress = new WeakMap<FastifyRequest, CallInProgress>();

  app.addHook('onRequest', async (request, reply) => {
    if (!isApiCall(request)) return;
    inProgress.set(request, { at: ctx.now() });
    reply.header('x-line-request-id', newRequestId());
  });

  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!isApiCall(request)) return;
    const path = pathOf(request.url);
    const latency = ctx.faults.latencyFor(path);
    if (latency > 0) await sleep(latency);
    const call = inProgress.get(request);
    if (call && ctx.faults.takeDrop(path)) call.drop = true;
    const fault = ctx.faults.take(path);
    if (fault) {
      if (fault.delayMs) await sleep(fault.delayMs);
      for (const [name, value] of Object.entries(fault.headers ?? {})) reply.header(name, value);
      return reply
        .code(fault.status)
        .type('application/json')
        .send(fault.body ?? { message: `Injected failure (status ${fault.status})` });
    }
    const authorization = request.headers.authorization;
    if (!authorization) {
      return sendLineError(
        reply,
        401,
        "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
      );
    }
    if (authorization !== `Bearer ${ctx.channelAccessToken}`) {
      return sendLineError(
        reply,
        401,
        'Authentication failed. Confirm that the access token in the authorization header is valid.',
      );
    }
  });

  const record = (request: FastifyRequest, status: number, dropped: boolean): void => {
    const call = inProgress.get(request);
    if (!call) return;
    inProgress.delete(request);
    ctx.calls.add({
      method: request.method,
      path: pathOf(request.url),
      query: { ...(request.query as Record<string, string>) },
      headers: { ...request.headers },
      body: recordedBody(request),
      status,
      response: call.response,
      at: call.at,
      ...(dropped ? { dropped: true } : {}),
    });
  };

  app.addHook('onSend', async (request, reply, payload) => {
    const call = inProgress.get(request);
    if (!call) return payload;
    call.response = parseResponse(payload);
    if (call.drop) {
      // Everything happened (the message is in the chat); only the answer never leaves. A TCP
      // reset, as when a proxy or the network drops the connection mid-answer.
      record(request, reply.statusCode, true);
      request.raw.socket.resetAndDestroy();
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    record(request, reply.statusCode, false);
  });
}
