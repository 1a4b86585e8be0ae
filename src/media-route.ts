/** Serves the demo catalog's images (GET /media/…) so the sandbox needs no image host. */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

export async function mediaRoutes(app: FastifyInstance, opts: { dir: string }): Promise<void> {
  app.get<{ Params: { '*': string } }>('/media/*', async (req, reply) => {
    const rel = normalize(req.params['*']).replace(/^([/\\])+/, '');
    const type = TYPES[extname(rel).toLowerCase()];
    if (!type || rel.startsWith('..') || rel.includes('\0')) return reply.code(404).send({ message: 'not found' });
    try {
      const body = await readFile(join(opts.dir, rel));
      return reply.type(type).header('cache-control', 'public, max-age=86400').send(body);
    } catch {
      return reply.code(404).send({ message: 'not found' });
    }
  });
}
