/**
 * The merchant console at /admin: server-rendered pages (Eta templates through @fastify/view; Eta
 * escapes every `<%= %>` by default, so product, customer and store names show as text), DB-backed
 * sessions, CSRF tokens on every state-changing request, strict security headers, and roles.
 * Everything is registered in one encapsulated scope, so none of it touches the webhook, the bank
 * callbacks or the LINE simulator. Every route refuses an anonymous request unless its config says
 * `public: true` (only the login page); test/admin/security.test.ts enumerates them.
 */
import { join } from 'node:path';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import view from '@fastify/view';
import { Eta } from 'eta';
import type { FastifyInstance } from 'fastify';
import { cjkFontLinks } from '../cjk-font';
import { recordAudit } from './account-repository';
import { sessionUser } from './account-service';
import { type ConsoleContext, type ConsoleDeps, SESSION_COOKIE } from './context';
import { conversationRoutes } from './conversation-routes';
import { dashboardRoutes } from './dashboard-routes';
import { loginRoutes } from './login-routes';
import { orderRoutes } from './order-routes';
import { productRoutes } from './product-routes';
import { settingsRoutes } from './settings-routes';

export const VIEWS_DIR = join(__dirname, 'views');

const NAV = [
  { href: '/admin', label: '總覽', key: 'dashboard' },
  { href: '/admin/orders', label: '訂單', key: 'orders' },
  { href: '/admin/products', label: '商品', key: 'products' },
  { href: '/admin/conversations', label: '對話', key: 'conversations' },
  { href: '/admin/settings', label: '設定', key: 'settings' },
];

export function consolePlugin(deps: ConsoleDeps): (app: FastifyInstance) => Promise<void> {
  const secure = deps.config.publicBaseUrl.startsWith('https://');
  return async function register(root: FastifyInstance): Promise<void> {
    await root.register(
      async (app) => {
        app.addHook('onRoute', (r) => {
          const methods = Array.isArray(r.method) ? r.method : [r.method];
          for (const method of methods) {
            if (method === 'HEAD') continue;
            deps.routeRegistry?.push({ method, url: r.url, public: r.config?.public === true });
          }
        });
        await app.register(cookie, { secret: deps.config.admin.sessionSecret });
        await app.register(formbody, { bodyLimit: 256 * 1024 });
        await app.register(multipart, { limits: { fileSize: 1024 * 1024, files: 1, fields: 10 } });
        await app.register(csrf, {
          cookieKey: 'admin_csrf',
          cookieOpts: { path: '/admin', sameSite: 'lax', httpOnly: true, secure, signed: true },
          // Multipart forms (image, CSV) carry the token in the query: their body is read by the handler.
          getToken: (req) =>
            (req.body as { _csrf?: string } | undefined)?._csrf ??
            (req.headers['x-csrf-token'] as string | undefined) ??
            (req.query as { _csrf?: string } | undefined)?._csrf,
        });
        await app.register(helmet, {
          enableCSPNonces: true,
          contentSecurityPolicy: {
            useDefaults: false,
            directives: {
              defaultSrc: ["'none'"],
              styleSrc: ["'self'"],
              scriptSrc: ["'self'"],
              imgSrc: ["'self'", 'https:', 'data:'],
              // The bundled CJK font (src/cjk-font.ts), for machines and phones without one.
              fontSrc: ["'self'"],
              formAction: ["'self'"],
              frameAncestors: ["'none'"],
              baseUri: ["'none'"],
            },
          },
          crossOriginEmbedderPolicy: false,
          hsts: secure,
          referrerPolicy: { policy: 'same-origin' },
        });
        await app.register(view, {
          engine: { eta: new Eta({ views: VIEWS_DIR, autoEscape: true, cache: true }) },
          templates: VIEWS_DIR,
        });

        // Pages are private: never cached by the browser or a proxy.
        app.addHook('onSend', async (_req, reply, payload) => {
          reply.header('cache-control', 'no-store');
          return payload;
        });

        app.addHook('preHandler', async (req, reply) => {
          const config = req.routeOptions.config;
          const token = req.cookies[SESSION_COOKIE];
          const user = token ? await sessionUser(deps.db, token, deps.config.admin.idleMs, deps.now()) : undefined;
          if (user) req.consoleUser = user;
          if (req.method !== 'GET' && req.method !== 'HEAD') {
            await new Promise<void>((resolve, reject) => {
              app.csrfProtection(req, reply, (err?: Error) => (err ? reject(err) : resolve()));
            });
            if (reply.sent) return reply;
          }
          if (config.public) return;
          if (!user) {
            if (req.method === 'GET') return reply.redirect('/admin/login');
            return ctx.message(req, reply, 401, '請先登入', '登入已逾時或尚未登入，請重新登入。', '/admin/login');
          }
          if (user.mustChangePassword && !config.beforePasswordChange) return reply.redirect('/admin/password');
          if (config.role === 'owner' && user.role !== 'owner') {
            return ctx.message(req, reply, 403, '權限不足', '這個動作只有店主帳號可以執行。', '/admin');
          }
        });

        app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
          if (err.code === 'FST_CSRF_MISSING_SECRET' || err.code === 'FST_CSRF_INVALID_TOKEN') {
            return ctx.message(
              req,
              reply,
              403,
              '表單已失效',
              '這個表單已經過期或不是從本站送出，請重新整理頁面後再試一次。',
            );
          }
          if (err.code === 'FST_REQ_FILE_TOO_LARGE') {
            return ctx.message(req, reply, 413, '檔案太大', '圖片最大 1 MB，請縮小後再上傳。');
          }
          const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
          if (status === 500) deps.logger.error({ err }, 'console: request failed');
          return ctx.message(req, reply, status, '發生錯誤', status === 500 ? '系統忙碌中，請稍後再試。' : err.message);
        });
        app.setNotFoundHandler(async (req, reply) => {
          if (!req.consoleUser) {
            const token = req.cookies[SESSION_COOKIE];
            const user = token ? await sessionUser(deps.db, token, deps.config.admin.idleMs, deps.now()) : undefined;
            if (!user) return reply.code(404).type('text/plain').send('not found');
            req.consoleUser = user;
          }
          return ctx.message(req, reply, 404, '找不到頁面', '這個頁面不存在。', '/admin');
        });

        const ctx: ConsoleContext = {
          deps,
          render: async (req, reply, page, data = {}) => {
            const html = await reply.viewAsync(page, {
              ...data,
              user: req.consoleUser,
              nav: NAV,
              shopName: (await deps.settings.get()).profile.name,
              csrf: reply.generateCsrf(),
              nonce: reply.cspNonce.style,
              scriptNonce: reply.cspNonce.script,
              fontLinks: cjkFontLinks(),
            });
            return reply.type('text/html; charset=utf-8').send(html);
          },
          message: (req, reply, status, title, text, back) => {
            reply.code(status);
            return ctx.render(req, reply, 'message', { title, text, back: back ?? null, active: '' });
          },
          audit: (req, action, target, detail = null) => {
            const user = req.consoleUser;
            return recordAudit(
              deps.db,
              { accountId: user?.id ?? null, actor: user?.email ?? '-', action, target, detail, ip: req.ip },
              deps.now(),
            );
          },
          user: (req) => {
            if (!req.consoleUser) throw new Error('console route reached without a user');
            return req.consoleUser;
          },
        };

        await loginRoutes(app, ctx, secure);
        await dashboardRoutes(app, ctx);
        await orderRoutes(app, ctx);
        await productRoutes(app, ctx);
        await settingsRoutes(app, ctx);
        await conversationRoutes(app, ctx);
      },
      { prefix: '/admin' },
    );
  };
}
