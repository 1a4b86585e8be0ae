/**
 * The bundled CJK font (Noto Sans TC from @fontsource, a dependency) for the pages the shop and the
 * simulators serve: the payment result page, the bank simulator's pages. A phone or a minimal
 * machine without a CJK font would otherwise show the zh-TW text as empty boxes. Served from this
 * process (no CDN); @fontsource splits the font by unicode-range, so a page downloads only the
 * subsets holding the characters it shows.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

export const CJK_FONT_PATH = '/fonts/noto-sans-tc';
/** Put after the platform's own CJK fonts in a font-family list: it is the fallback. */
export const CJK_FONT_FAMILY = '"Noto Sans TC"';
const WEIGHTS = ['400', '700'];

/** The <link> tags a page puts in its <head> (regular and bold). */
export function cjkFontLinks(prefix: string = CJK_FONT_PATH): string {
  return WEIGHTS.map((w) => `<link rel="stylesheet" href="${prefix}/${w}.css">`).join('');
}

function fontDir(): string | null {
  try {
    return dirname(require.resolve('@fontsource/noto-sans-tc/package.json'));
  } catch {
    return null;
  }
}

/** GET {prefix}/400.css, {prefix}/700.css and {prefix}/files/<subset>.woff2. */
export async function cjkFontRoutes(app: FastifyInstance, opts: { prefix?: string } = {}): Promise<void> {
  const prefix = opts.prefix ?? CJK_FONT_PATH;
  const dir = fontDir();
  app.get<{ Params: { sheet: string } }>(`${prefix}/:sheet`, async (req, reply) => {
    const weight = /^(\d{3})\.css$/.exec(req.params.sheet)?.[1];
    if (!dir || !weight || !WEIGHTS.includes(weight)) return reply.code(404).send({ message: 'not found' });
    return reply
      .type('text/css; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(await readFile(join(dir, `${weight}.css`)));
  });
  app.get<{ Params: { file: string } }>(`${prefix}/files/:file`, async (req, reply) => {
    // Only the font's own file names: nothing else of node_modules is reachable.
    if (!dir || !/^noto-sans-tc-[a-z0-9-]+-(400|700)-normal\.woff2$/.test(req.params.file)) {
      return reply.code(404).send({ message: 'not found' });
    }
    try {
      const body = await readFile(join(dir, 'files', req.params.file));
      return reply.type('font/woff2').header('cache-control', 'public, max-age=604800').send(body);
    } catch {
      return reply.code(404).send({ message: 'not found' });
    }
  });
}
