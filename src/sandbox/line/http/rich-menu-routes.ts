import type { FastifyInstance } from 'fastify';
import type { SimulatorContext } from '../context';
import { imageSize } from '../image-size';
import type { RichMenuObject, StoredRichMenu } from '../state/rich-menu-store';
import { RICH_MENU_ALIAS_PATTERN, validateRichMenu } from '../validation/rich-menu-validator';
import { isRecord, jsonBody, NOT_FOUND, requestBodyErrors, sendLineError } from './line-errors';

const MAX_IMAGE_BYTES = 1024 * 1024;
const MAX_RICH_MENUS = 1000;
const IMAGE_REQUIRED = 'must upload richmenu image before applying it to user';

type IdParams = { Params: { richMenuId: string } };
type AliasParams = { Params: { richMenuAliasId: string } };
type UserParams = { Params: { userId: string } };

function describe(stored: StoredRichMenu) {
  return { richMenuId: stored.richMenuId, ...stored.menu };
}

export function registerRichMenuRoutes(app: FastifyInstance, ctx: SimulatorContext): void {
  const menus = ctx.richMenus;

  const readMenu = (body: unknown) => {
    const issues = validateRichMenu(body);
    return issues.length === 0 ? { menu: body as RichMenuObject } : { error: requestBodyErrors(issues) };
  };

  app.post('/v2/bot/richmenu/validate', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok) return sendLineError(reply, 400, 'The request body could not be parsed as JSON');
    const result = readMenu(parsed.value);
    if (result.error) return sendLineError(reply, 400, result.error);
    return reply.send({});
  });

  app.post('/v2/bot/richmenu', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok) return sendLineError(reply, 400, 'The request body could not be parsed as JSON');
    const result = readMenu(parsed.value);
    if (!result.menu) return sendLineError(reply, 400, result.error ?? 'invalid rich menu');
    if (menus.list().length >= MAX_RICH_MENUS)
      return sendLineError(reply, 400, 'The number of rich menus exceeds 1000');
    return reply.send({ richMenuId: menus.create(result.menu).richMenuId });
  });

  app.get('/v2/bot/richmenu/list', async (_request, reply) => reply.send({ richmenus: menus.list().map(describe) }));

  app.get<IdParams>('/v2/bot/richmenu/:richMenuId', async (request, reply) => {
    const stored = menus.get(request.params.richMenuId);
    return stored ? reply.send(describe(stored)) : sendLineError(reply, 404, NOT_FOUND);
  });

  app.delete<IdParams>('/v2/bot/richmenu/:richMenuId', async (request, reply) =>
    menus.delete(request.params.richMenuId) ? reply.send({}) : sendLineError(reply, 404, NOT_FOUND),
  );

  app.post<IdParams>('/v2/bot/richmenu/:richMenuId/content', async (request, reply) => {
    const stored = menus.get(request.params.richMenuId);
    if (!stored) return sendLineError(reply, 404, NOT_FOUND);
    const contentType = String(request.headers['content-type'] ?? '')
      .split(';')[0]
      ?.trim()
      .toLowerCase();
    if (contentType !== 'image/png' && contentType !== 'image/jpeg') {
      return sendLineError(
        reply,
        415,
        `Unsupported Media Type: ${contentType || '(none)'}; use image/png or image/jpeg`,
      );
    }
    const bytes = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    if (bytes.length > MAX_IMAGE_BYTES) return sendLineError(reply, 413, 'The image exceeds the maximum size of 1 MB');
    // An image cannot be replaced: LINE expects a new rich menu instead.
    if (stored.image) return sendLineError(reply, 400, 'An image has already been uploaded to the richmenu');
    const size = imageSize(bytes, contentType);
    if (!size) return sendLineError(reply, 400, `The body is not a valid ${contentType} image`);
    const expected = stored.menu.size;
    if (size.width !== expected.width || size.height !== expected.height) {
      return sendLineError(
        reply,
        400,
        `The image size ${size.width}x${size.height} does not match the rich menu size ${expected.width}x${expected.height}`,
      );
    }
    stored.image = { contentType, bytes };
    return reply.send({});
  });

  app.get<IdParams>('/v2/bot/richmenu/:richMenuId/content', async (request, reply) => {
    const image = menus.get(request.params.richMenuId)?.image;
    if (!image) return sendLineError(reply, 404, NOT_FOUND);
    return reply.type(image.contentType).send(image.bytes);
  });

  app.post<IdParams>('/v2/bot/user/all/richmenu/:richMenuId', async (request, reply) => {
    const stored = menus.get(request.params.richMenuId);
    if (!stored) return sendLineError(reply, 404, NOT_FOUND);
    if (!stored.image) return sendLineError(reply, 400, IMAGE_REQUIRED);
    menus.setDefault(stored.richMenuId);
    return reply.send({});
  });

  app.get('/v2/bot/user/all/richmenu', async (_request, reply) =>
    menus.defaultMenuId
      ? reply.send({ richMenuId: menus.defaultMenuId })
      : sendLineError(reply, 404, 'no default richmenu'),
  );

  app.delete('/v2/bot/user/all/richmenu', async (_request, reply) => {
    menus.setDefault(null);
    return reply.send({});
  });

  app.post<{ Params: { userId: string; richMenuId: string } }>(
    '/v2/bot/user/:userId/richmenu/:richMenuId',
    async (request, reply) => {
      const stored = menus.get(request.params.richMenuId);
      if (!stored) return sendLineError(reply, 404, NOT_FOUND);
      if (!stored.image) return sendLineError(reply, 400, IMAGE_REQUIRED);
      menus.link(request.params.userId, stored.richMenuId);
      ctx.chat.events.emit('change', request.params.userId);
      return reply.send({});
    },
  );

  app.get<UserParams>('/v2/bot/user/:userId/richmenu', async (request, reply) => {
    const linked = menus.linkedTo(request.params.userId);
    return linked ? reply.send({ richMenuId: linked }) : sendLineError(reply, 404, 'the user has no richmenu');
  });

  app.delete<UserParams>('/v2/bot/user/:userId/richmenu', async (request, reply) => {
    menus.unlink(request.params.userId);
    ctx.chat.events.emit('change', request.params.userId);
    return reply.send({});
  });

  app.post('/v2/bot/richmenu/alias', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value))
      return sendLineError(reply, 400, 'The request body could not be parsed as JSON');
    const { richMenuAliasId, richMenuId } = parsed.value;
    if (typeof richMenuAliasId !== 'string' || !RICH_MENU_ALIAS_PATTERN.test(richMenuAliasId)) {
      return sendLineError(
        reply,
        400,
        requestBodyErrors([{ message: 'must match [a-z0-9_-]{1,32}', property: 'richMenuAliasId' }]),
      );
    }
    const stored = typeof richMenuId === 'string' ? menus.get(richMenuId) : undefined;
    if (!stored) return sendLineError(reply, 400, 'richmenu not found');
    if (!stored.image) return sendLineError(reply, 400, IMAGE_REQUIRED);
    if (menus.alias(richMenuAliasId)) return sendLineError(reply, 400, 'conflict richmenu alias id');
    menus.setAlias(richMenuAliasId, stored.richMenuId);
    return reply.send({});
  });

  app.get('/v2/bot/richmenu/alias/list', async (_request, reply) => reply.send({ aliases: menus.aliasList() }));

  app.post<AliasParams>('/v2/bot/richmenu/alias/:richMenuAliasId', async (request, reply) => {
    const parsed = jsonBody(request);
    if (!parsed.ok || !isRecord(parsed.value))
      return sendLineError(reply, 400, 'The request body could not be parsed as JSON');
    const aliasId = request.params.richMenuAliasId;
    if (!menus.alias(aliasId)) return sendLineError(reply, 404, 'richmenu alias not found');
    const richMenuId = parsed.value.richMenuId;
    const stored = typeof richMenuId === 'string' ? menus.get(richMenuId) : undefined;
    if (!stored) return sendLineError(reply, 400, 'richmenu not found');
    if (!stored.image) return sendLineError(reply, 400, IMAGE_REQUIRED);
    menus.setAlias(aliasId, stored.richMenuId);
    return reply.send({});
  });

  app.get<AliasParams>('/v2/bot/richmenu/alias/:richMenuAliasId', async (request, reply) => {
    const richMenuId = menus.alias(request.params.richMenuAliasId);
    return richMenuId
      ? reply.send({ richMenuAliasId: request.params.richMenuAliasId, richMenuId })
      : sendLineError(reply, 404, 'richmenu alias not found');
  });

  app.delete<AliasParams>('/v2/bot/richmenu/alias/:richMenuAliasId', async (request, reply) =>
    menus.deleteAlias(request.params.richMenuAliasId)
      ? reply.send({})
      : sendLineError(reply, 404, 'richmenu alias not found'),
  );
}
