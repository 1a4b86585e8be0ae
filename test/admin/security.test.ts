/**
 * The console's safety rules against the real app on both databases: no anonymous access to any
 * registered /admin route (enumerated, so a new route cannot slip through), CSRF on every
 * state-changing request, login rate limits, cookie flags, sessions shared by instances, logout
 * and idle timeout, staff limits, and markup in names shown as text.
 */
import { accountById } from '../../src/admin/account-repository';
import { createAccount } from '../../src/admin/account-service';
import { dialects } from '../support/databases';
import { startTestShop, type TestShop } from '../support/shop-harness';
import { account, ConsoleClient, PASSWORD } from './helpers';

/** A concrete path for a route pattern: parameters get harmless values. */
function concrete(url: string): string {
  return url.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? '1' : 'X1')).replace(/\*$/, 'x');
}

describe.each(dialects)('console security on %s', (dialect) => {
  let shop: TestShop;
  let clock = Date.now();
  beforeAll(async () => {
    shop = await startTestShop(dialect, { now: () => clock });
    await account(shop, 'owner@example.com', 'owner');
    await account(shop, 'staff@example.com', 'staff');
  });
  afterAll(() => shop.close());

  it('refuses anonymous requests to every registered /admin route except the login page', async () => {
    const routes = shop.runtime.adminRoutes;
    expect(routes.length).toBeGreaterThan(25);
    expect(routes.filter((r) => r.public).map((r) => `${r.method} ${r.url}`)).toEqual([
      'GET /admin/login',
      'POST /admin/login',
    ]);
    const anonymous = new ConsoleClient(shop.url);
    // A valid CSRF token, so a POST is refused for having no session, not only for the token.
    const token = ConsoleClient.csrfOf((await anonymous.get('/admin/login')).text);
    for (const r of routes.filter((x) => !x.public)) {
      const path = concrete(r.url);
      const res = await anonymous.request(r.method, path, r.method === 'GET' ? undefined : { _csrf: token });
      if (r.method === 'GET') {
        expect([r.url, res.status, res.headers.get('location')]).toEqual([r.url, 302, '/admin/login']);
      } else {
        expect([r.url, res.status]).toEqual([r.url, 401]);
      }
      expect(res.text).not.toContain('owner@example.com');
    }
  });

  it('logs in, sets HttpOnly SameSite=Lax cookies, shares the session with another instance, logs out', async () => {
    const c = new ConsoleClient(shop.url);
    const res = await c.login('owner@example.com');
    expect(res.status).toBe(303);
    const session = res.setCookies.find((s) => s.startsWith('admin_session='));
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).not.toMatch(/; Secure/);
    expect((await c.get('/admin')).status).toBe(200);

    const other = await shop.startAnotherInstance({ startJobs: false });
    const there = new ConsoleClient(other.url);
    for (const [k, v] of c.cookies) there.cookies.set(k, v);
    const page = await there.get('/admin');
    expect(page.status).toBe(200);
    expect(page.text).toContain('owner@example.com');
    // Security headers: a strict CSP without inline scripts.
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');

    const out = await c.post('/admin/logout', {}, '/admin');
    expect(out.status).toBe(303);
    // The old cookie is dead everywhere, also when replayed.
    const replay = await there.get('/admin');
    expect([replay.status, replay.headers.get('location')]).toEqual([302, '/admin/login']);
  });

  it('ends a session idle longer than ADMIN_IDLE_MINUTES', async () => {
    const c = new ConsoleClient(shop.url);
    await c.login('owner@example.com');
    expect((await c.get('/admin')).status).toBe(200);
    clock += 31 * 60_000;
    const res = await c.get('/admin');
    expect([res.status, res.headers.get('location')]).toEqual([302, '/admin/login']);
  });

  it('refuses a state-changing request without or with a wrong CSRF token (403) and changes nothing', async () => {
    const c = new ConsoleClient(shop.url);
    await c.login('owner@example.com');
    const before = await accountById(shop.database.db, 1);
    const body = { current: PASSWORD, next: 'a-brand-new-password', again: 'a-brand-new-password' };
    const missing = await c.request('POST', '/admin/password', body);
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('表單已失效');
    const wrong = await c.request('POST', '/admin/password', { ...body, _csrf: 'forged-token-value' });
    expect(wrong.status).toBe(403);
    // A token of another browser does not fit this browser's secret either.
    const stranger = new ConsoleClient(shop.url);
    const foreign = ConsoleClient.csrfOf((await stranger.get('/admin/login')).text);
    expect((await c.request('POST', '/admin/password', { ...body, _csrf: foreign })).status).toBe(403);
    expect((await accountById(shop.database.db, 1))?.password_hash).toBe(before?.password_hash);
    expect((await c.get('/admin')).status).toBe(200);
  });

  it('answers 429 with a clear page after repeated failed logins for one account, even with the right password', async () => {
    await account(shop, 'victim@example.com');
    const attacker = new ConsoleClient(shop.url);
    for (let i = 0; i < 5; i++) expect((await attacker.login('victim@example.com', `guess-${i}`)).status).toBe(401);
    const limited = await attacker.login('victim@example.com');
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('登入失敗太多次');
    expect(limited.headers.get('retry-after')).toBe('900');
    // The limit is per account: the owner still logs in from the same address.
    expect((await attacker.login('owner@example.com')).status).toBe(303);
    // … and it passes with time.
    clock += 16 * 60_000;
    expect((await new ConsoleClient(shop.url).login('victim@example.com')).status).toBe(303);
  });

  it('answers 429 after many failed logins from one address across accounts', async () => {
    clock += 16 * 60_000;
    const c = new ConsoleClient(shop.url);
    for (let i = 0; i < 20; i++) expect((await c.login(`nobody${i}@example.com`, 'x')).status).toBe(401);
    expect((await c.login('owner@example.com')).status).toBe(429);
    clock += 16 * 60_000;
  });

  it('forces a new password after a one-time password', async () => {
    const { password } = await createAccount(shop.database.db, 'new@example.com', 'staff', clock);
    const c = new ConsoleClient(shop.url);
    const res = await c.login('new@example.com', password);
    expect(res.headers.get('location')).toBe('/admin/password');
    expect((await c.get('/admin')).headers.get('location')).toBe('/admin/password');
    const weak = await c.post('/admin/password', { current: password, next: 'short', again: 'short' });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('至少需要 10 個字元');
    const ok = await c.post('/admin/password', {
      current: password,
      next: 'my-own-password',
      again: 'my-own-password',
    });
    expect(ok.status).toBe(303);
    expect((await c.get('/admin')).status).toBe(200);
  });
});

describe('console cookies behind https', () => {
  it('marks the session and CSRF cookies Secure when PUBLIC_BASE_URL is https', async () => {
    const shop = await startTestShop(dialects[0] ?? 'sqlite', {
      seed: false,
      env: { PUBLIC_BASE_URL: 'https://shop.example.com' },
    });
    try {
      await account(shop, 'owner@example.com');
      const c = new ConsoleClient(shop.url);
      const form = await c.get('/admin/login');
      expect(form.setCookies.find((s) => s.startsWith('admin_csrf='))).toMatch(/; Secure/);
      const res = await c.login('owner@example.com');
      const session = res.setCookies.find((s) => s.startsWith('admin_session='));
      expect(session).toMatch(/; Secure/);
      expect(session).toMatch(/; HttpOnly/);
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
    } finally {
      await shop.close();
    }
  });
});
