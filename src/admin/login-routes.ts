/** Login, logout and the password change (forced after a one-time password). */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { changePassword, login, logout } from './account-service';
import { type ConsoleContext, SESSION_COOKIE } from './context';

export async function loginRoutes(app: FastifyInstance, ctx: ConsoleContext, secure: boolean): Promise<void> {
  const setSession = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, { path: '/admin', httpOnly: true, sameSite: 'lax', secure });

  app.get('/login', { config: { public: true } }, async (req, reply) => {
    if (req.consoleUser) return reply.redirect('/admin');
    return ctx.render(req, reply, 'login', { error: null, email: '', active: '' });
  });

  app.post<{ Body: { email?: unknown; password?: unknown } }>(
    '/login',
    { config: { public: true } },
    async (req, reply) => {
      const email = typeof req.body?.email === 'string' ? req.body.email : '';
      const password = typeof req.body?.password === 'string' ? req.body.password : '';
      const result = await login(ctx.deps.db, email, password, req.ip, ctx.deps.now());
      if (result.kind === 'limited') {
        reply.header('retry-after', String(result.retryAfterSeconds));
        return ctx.message(
          req,
          reply,
          429,
          '嘗試次數過多',
          `登入失敗太多次，為了保護帳號，請 ${Math.ceil(result.retryAfterSeconds / 60)} 分鐘後再試。`,
          '/admin/login',
        );
      }
      if (result.kind === 'refused') {
        reply.code(401);
        return ctx.render(req, reply, 'login', { error: '帳號或密碼不正確', email, active: '' });
      }
      setSession(reply, result.token);
      req.consoleUser = {
        id: result.account.id,
        email: result.account.email,
        role: result.account.role,
        mustChangePassword: result.account.must_change_password === 1,
        tokenHash: '',
      };
      await ctx.audit(req, 'login', null);
      return reply.redirect(result.account.must_change_password === 1 ? '/admin/password' : '/admin', 303);
    },
  );

  app.post('/logout', { config: { beforePasswordChange: true } }, async (req, reply) => {
    await logout(ctx.deps.db, ctx.user(req).tokenHash);
    reply.clearCookie(SESSION_COOKIE, { path: '/admin' });
    return reply.redirect('/admin/login', 303);
  });

  app.get('/password', { config: { beforePasswordChange: true } }, async (req, reply) =>
    ctx.render(req, reply, 'password', { error: null, forced: ctx.user(req).mustChangePassword, active: '' }),
  );

  app.post<{ Body: { current?: unknown; next?: unknown; again?: unknown } }>(
    '/password',
    { config: { beforePasswordChange: true } },
    async (req, reply) => {
      const user = ctx.user(req);
      const current = typeof req.body?.current === 'string' ? req.body.current : '';
      const next = typeof req.body?.next === 'string' ? req.body.next : '';
      const again = typeof req.body?.again === 'string' ? req.body.again : '';
      const error =
        next !== again
          ? '兩次輸入的新密碼不一樣'
          : await changePassword(ctx.deps.db, user, current, next, ctx.deps.now());
      if (error) {
        reply.code(400);
        return ctx.render(req, reply, 'password', { error, forced: user.mustChangePassword, active: '' });
      }
      await ctx.audit(req, 'password_changed', user.email);
      return reply.redirect('/admin', 303);
    },
  );
}
