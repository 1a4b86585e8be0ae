import type { FastifyReply, FastifyRequest } from 'fastify';

/** LINE's error body: `{"message": "...", "details": [{"message", "property"}]}`. */
export interface LineError {
  message: string;
  details?: { message: string; property: string }[];
}

export function sendLineError(reply: FastifyReply, status: number, error: LineError | string): FastifyReply {
  const body = typeof error === 'string' ? { message: error } : error;
  return reply.code(status).type('application/json').send(body);
}

export function requestBodyErrors(details: { message: string; property: string }[]): LineError {
  return { message: `The request body has ${details.length} error(s)`, details };
}

export const NOT_FOUND = 'Not found';

/**
 * The simulator reads every body as raw bytes (so it can record binary uploads and accept the SDK's
 * empty-bodied JSON POSTs); this parses JSON when there is some. `value` is undefined for no body.
 */
export function jsonBody(request: FastifyRequest): ParsedBody {
  let parsed = parsedBodies.get(request);
  if (!parsed) {
    parsed = parse(request.body);
    parsedBodies.set(request, parsed);
  }
  return parsed;
}

type ParsedBody = { ok: true; value: unknown } | { ok: false };

/** Each body is parsed once: the call log and the route both read it (a Flex reply is KBs). */
const parsedBodies = new WeakMap<FastifyRequest, ParsedBody>();

function parse(raw: unknown): ParsedBody {
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(raw.toString('utf8')) };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
