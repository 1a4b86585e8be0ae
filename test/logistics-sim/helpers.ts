/** A tiny shop stand-in for the logistics simulator's tests: records form POSTs and answers them. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedPost {
  path: string;
  contentType: string;
  /** Form-decoded fields; a key sent twice shows up as an array. */
  fields: Record<string, string | string[]>;
  raw: string;
}

export interface ReplyServer {
  url: string;
  posts: ReceivedPost[];
  /** What the next POSTs are answered with (default HTTP 200 `1|OK`). */
  answer: { status: number; body: string };
  /** Resolves once `count` POSTs have arrived in total. */
  waitFor(count: number): Promise<ReceivedPost[]>;
  close(): Promise<void>;
}

export async function startReplyServer(): Promise<ReplyServer> {
  const posts: ReceivedPost[] = [];
  const waiters: { count: number; resolve: (p: ReceivedPost[]) => void }[] = [];
  const state = { answer: { status: 200, body: '1|OK' } };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const fields: Record<string, string | string[]> = {};
      for (const [k, v] of new URLSearchParams(raw)) {
        const old = fields[k];
        fields[k] = old === undefined ? v : Array.isArray(old) ? [...old, v] : [old, v];
      }
      posts.push({ path: req.url ?? '', contentType: req.headers['content-type'] ?? '', fields, raw });
      res.writeHead(state.answer.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(state.answer.body);
      for (const w of [...waiters]) {
        if (posts.length >= w.count) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(posts.slice());
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    posts,
    get answer() {
      return state.answer;
    },
    set answer(a) {
      state.answer = a;
    },
    waitFor(count) {
      if (posts.length >= count) return Promise.resolve(posts.slice());
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function decodeHtml(s: string): string {
  return s
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)))
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"');
}

/** The action and hidden fields of the (single) auto-submitting form in a page. */
export function autoSubmitForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form id="f" method="post" action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error('no auto-submit form');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    fields[decodeHtml(m[1] as string)] = decodeHtml(m[2] as string);
  }
  return { action: decodeHtml(action), fields };
}

export const C2C = {
  merchantId: '2000933',
  hashKey: 'XBERn1YOvpM9nfZc',
  hashIv: 'h1ONHk4P4yqbl5LK',
};
export const B2C = {
  merchantId: '2000132',
  hashKey: '5294y06JbISpM5x9',
  hashIv: 'v77hoKGq4kWxNNIS',
};
