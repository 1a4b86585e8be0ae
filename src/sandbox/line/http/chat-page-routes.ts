import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { sendLineError } from './line-errors';

const PAGE_DIR = join(__dirname, '..', 'chat-page');
const ASSETS: Record<string, string> = {
  'chat.css': 'text/css; charset=utf-8',
  'chat.js': 'text/javascript; charset=utf-8',
  'flex-render.js': 'text/javascript; charset=utf-8',
};

/**
 * Machines without a CJK font would show the shop's zh-TW copy as empty boxes; the page falls back
 * to Noto Sans TC from @fontsource (already a dependency), served from node_modules.
 */
function fontDir(): string | null {
  try {
    return dirname(require.resolve('@fontsource/noto-sans-tc/package.json'));
  } catch {
    return null;
  }
}

/** Serves the chat page (plain HTML/CSS/JS, no build step) at `/` and `/chat`. */
export function registerChatPageRoutes(app: FastifyInstance): void {
  const page = async (_request: unknown, reply: import('fastify').FastifyReply) =>
    reply.type('text/html; charset=utf-8').send(await readFile(join(PAGE_DIR, 'index.html')));
  app.get('/', page);
  app.get('/chat', page);
  app.get('/favicon.ico', async (_request, reply) => reply.code(204).send());
  app.get<{ Params: { file: string } }>('/sim/assets/:file', async (request, reply) => {
    const type = ASSETS[request.params.file];
    if (!type) return sendLineError(reply, 404, 'Not found');
    return reply.type(type).send(await readFile(join(PAGE_DIR, request.params.file)));
  });
  const fonts = fontDir();
  app.get<{ Params: { weight: string } }>('/sim/fonts/:weight', async (request, reply) => {
    if (!fonts || !/^(400|700)\.css$/.test(request.params.weight)) return sendLineError(reply, 404, 'Not found');
    return reply.type('text/css; charset=utf-8').send(await readFile(join(fonts, request.params.weight)));
  });
  app.get<{ Params: { file: string } }>('/sim/fonts/files/:file', async (request, reply) => {
    if (!fonts || !/^noto-sans-tc-[a-z0-9-]+\.woff2$/.test(request.params.file))
      return sendLineError(reply, 404, 'Not found');
    return reply
      .type('font/woff2')
      .header('cache-control', 'max-age=86400')
      .send(await readFile(join(fonts, 'files', request.params.file)));
  });
}
