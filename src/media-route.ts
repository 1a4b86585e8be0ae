/** Serves the demo catalog's images (GET /media/…) so the sandbox needs no image host. */
import { readFile, realpath } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg' };

/** `at` (default /media) is where the folder is served; uploads use /media/uploads. */
export async function mediaRoutes(app: FastifyInstance, opts: { dir: string; at?: string }): Promise<void> {
  // Compared after resolving links: a symbolic link inside the folder must not hand out a file
  // from elsewhere (a link to /etc or to the database would otherwise be served).
  const root = await realpath(opts.dir).catch(() => opts.dir);
  app.get<{ Params: { '*': string } }>(`${opts.at ?? '/media'}/*`, async (req, reply) => {
    const rel = normalize(req.params['*']).replace(/^([/\\])+/, '');
    const type = TYPES[extname(rel).toLowerCase()];
    if (!type || rel.startsWith('..') || rel.includes('\0')) return reply.code(404).send({ message: 'not found' });
    try {
      const file = await realpath(join(root, rel));
      if (!file.startsWith(root + sep)) return reply.code(404).send({ message: 'not found' });
      const body = await readFile(file);
      return reply.type(type).header('cache-control', 'public, max-age=86400').send(body);
    } catch {
      return reply.code(404).send({ message: 'not found' });
    }
  });
}
