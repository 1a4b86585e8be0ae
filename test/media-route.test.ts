/** GET /media/… serves files from its folder only, even through symbolic links. */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { mediaRoutes } from '../src/media-route';

describe('/media', () => {
  let base: string;
  let app: FastifyInstance;
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'media-route-'));
    const media = join(base, 'media');
    mkdirSync(join(media, 'products'), { recursive: true });
    writeFileSync(join(media, 'products', 'tea.png'), PNG);
    writeFileSync(join(base, 'secret.png'), 'outside the media folder');
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(base, 'elsewhere', 'x.png'), 'outside too');
    symlinkSync(join(base, 'secret.png'), join(media, 'products', 'leak.png'));
    symlinkSync(join(base, 'elsewhere'), join(media, 'linked-dir'));
    symlinkSync(join(media, 'products', 'tea.png'), join(media, 'alias.png'));
    app = Fastify();
    await app.register(mediaRoutes, { dir: media });
  });
  afterAll(async () => {
    await app.close();
    rmSync(base, { recursive: true, force: true });
  });

  it('serves a file in the folder, also through a link that stays inside it', async () => {
    for (const url of ['/media/products/tea.png', '/media/alias.png']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect(res.rawPayload).toEqual(PNG);
    }
  });

  it.each(['/media/products/leak.png', '/media/linked-dir/x.png', '/media/../secret.png', '/media/missing.png'])(
    'answers 404 for %s (a link out of the folder, or no such file)',
    async (url) => {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('outside');
    },
  );
});
