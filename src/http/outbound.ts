/**
 * Outbound HTTP for the shop's own clients (LINE, QPay, ECPay): keep-alive connections over Node's
 * own `http`/`https`, bounded timeouts, a bounded answer, and the one classification every caller
 * needs after a failure — did the request possibly reach the other side (so a retry could act
 * twice), and was it a timeout? Knows no shop and no provider; callers wrap failures in their errors.
 *
 * Why not undici (which the sandbox's simulators and the tests still use): loading it costs the
 * process about 20 MB and its first request compiles its WebAssembly HTTP parser, about 13 MB more
 * that glibc keeps — together more than a third of the built server's idle RSS (issue 17). Node's
 * `http` parses with the llhttp already inside the binary.
 */
import http from 'node:http';
import https from 'node:https';

export interface OutboundTimeouts {
  /** TCP (+TLS) connect timeout, ms (default 5 000). */
  connectTimeoutMs?: number;
  /** From the connection to the answer's status line and headers, ms (default 20 000). */
  headersTimeoutMs?: number;
  /** Longest gap between chunks of the answer's body, ms (default 20 000). */
  bodyTimeoutMs?: number;
  /** How long an idle keep-alive connection is kept, ms (default 4 000; a server's shorter hint wins). */
  keepAliveTimeoutMs?: number;
}

export interface OutboundOptions extends OutboundTimeouts {
  /** Connections per host at most (default unbounded). */
  connections?: number;
}

/** An answer's status and body, read whole. Callers decide what a non-2xx status means. */
export interface Answer {
  status: number;
  text: string;
}

export interface OutboundRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
}

export interface Outbound {
  /** Sends once (never retries) and reads the whole answer; a transport failure throws TransportError. */
  send(url: string, request: OutboundRequest): Promise<Answer>;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** A request that failed below HTTP: could not connect, timed out, was cut off, or answered too much. */
export class TransportError extends Error {
  constructor(
    /** The socket's error code (ECONNREFUSED, ECONNRESET …) or one of ours (CONNECT_TIMEOUT …). */
    readonly code: string,
    /** False only when no connection to the server was ever made for this request. */
    readonly mayHaveArrived: boolean,
    readonly timedOut: boolean,
    cause?: unknown,
    /** The answer's status when the failure came while reading its body. */
    readonly status?: number,
  ) {
    super(cause instanceof Error && cause.message !== code ? `${code}: ${cause.message}` : code, { cause });
    this.name = 'TransportError';
  }
}

/** What a transport failure says about the request: `mayHaveArrived` unless it certainly never left. */
export interface TransportFailure {
  mayHaveArrived: boolean;
  timedOut: boolean;
  cause: unknown;
}

export function classifyTransportFailure(err: unknown): TransportFailure {
  if (err instanceof TransportError) return { mayHaveArrived: err.mayHaveArrived, timedOut: err.timedOut, cause: err };
  // Not from `send`: nothing is known, so assume the worst.
  return { mayHaveArrived: true, timedOut: false, cause: err };
}

/** No answer of LINE, the bank or ECPay comes near this; a peer sending more is broken or hostile. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** How much of an unexpected answer's body an error keeps (for the log, never the whole page). */
export const MAX_ERROR_BODY_CHARS = 2_000;

export function outbound(options: OutboundOptions = {}): Outbound {
  const connectTimeout = options.connectTimeoutMs ?? 5_000;
  const headersTimeout = options.headersTimeoutMs ?? 20_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 20_000;
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.connections ?? Number.POSITIVE_INFINITY,
    // For a free socket: how long it may stay idle before the agent closes it.
    timeout: options.keepAliveTimeoutMs ?? 4_000,
    scheduling: 'lifo' as const,
  };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const destinations = new Destinations();

  function send(url: string, request: OutboundRequest): Promise<Answer> {
    return new Promise<Answer>((resolve, reject) => {
      const { secure, hostname, port, path, auth } = destinations.of(url);
      // Until a connection exists (TCP, and TLS for https), nothing of the request can have left.
      let connected = false;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const arm = (ms: number, code: string) => {
        clearTimeout(timer);
        timer = setTimeout(() => fail(code, true), ms);
      };
      let status: number | undefined;
      const fail = (code: string, timedOut: boolean, cause?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(new TransportError(code, connected, timedOut, cause, status));
      };
      const headers: Record<string, string | number> = { ...request.headers };
      // Encoded once: measuring the UTF-8 length of a 4 KB reply with Chinese text and then
      // encoding it again to write it cost more than the rest of this function.
      const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
      if (body !== undefined) headers['content-length'] = body.length;
      const req = (secure ? https : http).request({
        hostname,
        port,
        path,
        auth,
        method: request.method,
        headers,
        agent: secure ? agents.https : agents.http,
      });
      req.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ERR_REQUEST', false, err));
      req.on('socket', (socket) => {
        const onConnected = () => {
          connected = true;
          arm(headersTimeout, 'HEADERS_TIMEOUT');
        };
        // A kept-alive socket is connected already; a new one connects (and shakes hands) first.
        if (!socket.connecting) return onConnected();
        arm(connectTimeout, 'CONNECT_TIMEOUT');
        socket.once(secure ? 'secureConnect' : 'connect', onConnected);
      });
      req.on('response', (res) => {
        status = res.statusCode;
        arm(bodyTimeout, 'BODY_TIMEOUT');
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) return fail('ANSWER_TOO_LARGE', false);
          chunks.push(chunk);
          arm(bodyTimeout, 'BODY_TIMEOUT');
        });
        res.on('error', (err: NodeJS.ErrnoException) => fail(err.code ?? 'ECONNRESET', false, err));
        res.on('aborted', () => fail('ECONNRESET', false));
        res.on('end', () => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks, size).toString('utf8') });
        });
      });
      req.end(body);
    });
  }

  return {
    send,
    close: async () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** Where a request goes, as `http.request` takes it. */
interface Destination {
  secure: boolean;
  hostname: string;
  port: number | undefined;
  path: string;
  auth: string | undefined;
}

/**
 * URLs parsed once: the shop calls a handful of endpoints thousands of times, and parsing the URL
 * and handing `http.request` a URL object (which it converts again) was a quarter of what our
 * wrapper cost over a bare `http.request` per LINE reply (issue 17's overload work). Bounded, for
 * URLs that carry ids (a LINE profile, an image): emptied when full.
 */
class Destinations {
  private readonly known = new Map<string, Destination>();

  of(url: string): Destination {
    let d = this.known.get(url);
    if (d) return d;
    const u = new URL(url);
    d = {
      secure: u.protocol === 'https:',
      // An IPv6 literal comes bracketed in a URL and bare in a host name.
      hostname: u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname,
      port: u.port === '' ? undefined : Number(u.port),
      path: `${u.pathname}${u.search}`,
      auth:
        u.username || u.password ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}` : undefined,
    };
    if (this.known.size >= MAX_DESTINATIONS) this.known.clear();
    this.known.set(url, d);
    return d;
  }
}

const MAX_DESTINATIONS = 256;

/**
 * POSTs once (never retries) and reads the whole answer. A transport failure is handed to
 * `onFailure`, which must throw the caller's own error.
 */
export async function postOnce(
  http: Outbound,
  url: string,
  headers: Record<string, string>,
  body: string,
  onFailure: (failure: TransportFailure) => never,
): Promise<Answer> {
  try {
    return await http.send(url, { method: 'POST', headers, body });
  } catch (err) {
    return onFailure(classifyTransportFailure(err));
  }
}
