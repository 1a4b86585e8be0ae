import { ConfigError, loadConfig, parseDotEnv } from '../src/config';

const QPAY = {
  QPAY_SHOP_NO: 'NA0249_001',
  QPAY_A1: '4D9709D699CA40EE',
  QPAY_A2: '5A4FEF83140C4E9E',
  QPAY_B1: 'BC74301945134CB4',
  QPAY_B2: '961F67F8FCA44AB9',
  QPAY_KEY_ID: 'b5e6986d-8636-4aa0-8c93-441ad14b2098',
};

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('configuration', () => {
  it('has documented defaults and runs in sandbox mode without LINE credentials', () => {
    const c = loadConfig({});
    expect(c.mode).toBe('sandbox');
    expect(c.port).toBe(3000);
    expect(c.publicBaseUrl).toBe('http://localhost:3000');
    expect(c.databaseUrl).toBe('sqlite:data/shop.db');
    expect(c.line.apiBaseUrl).toBe('https://api.line.me');
    expect(c.line.dataApiBaseUrl).toBe('https://api-data.line.me');
    expect(c.qpay).toBeUndefined();
    expect(c.host).toBe('127.0.0.1');
  });

  it('derives PUBLIC_BASE_URL from PORT and accepts every DATABASE_URL form', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    for (const url of ['sqlite::memory:', 'sqlite:/tmp/x.db', 'postgres://u:p@h:5432/db', 'postgresql://h/db']) {
      expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
    }
  });

  it('runs live with both LINE credentials and listens on all interfaces', () => {
    const c = loadConfig({
      LINE_CHANNEL_SECRET: 's',
      LINE_CHANNEL_ACCESS_TOKEN: 't',
      ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
      ...QPAY,
    });
    expect(c.mode).toBe('live');
    expect(c.host).toBe('0.0.0.0');
    expect(c.qpay?.shopNo).toBe('NA0249_001');
    expect(c.qpay?.baseUrl).toBe('https://apisbx.sinopac.com/funBIZ-Sbx/QPay.WebAPI/api/');
    expect(c.admin.sessionSecret).toBe('test-admin-session-secret-0123456789abcdef');
  });

  it('makes a random console session secret in sandbox mode', () => {
    const a = loadConfig({}).admin.sessionSecret;
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(loadConfig({}).admin.sessionSecret).not.toBe(a);
    expect(loadConfig({}).admin.idleMs).toBe(30 * 60_000);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PUBLIC_BASE_URL: 'not a url' }, 'PUBLIC_BASE_URL'],
    [{ LINE_API_BASE_URL: 'ftp://x' }, 'LINE_API_BASE_URL'],
    [{ LINE_CHANNEL_SECRET: 's' }, 'LINE_CHANNEL_ACCESS_TOKEN'],
    [{ QPAY_SHOP_NO: 'NA0249_001' }, 'QPAY_A1'],
    [{ ...QPAY, QPAY_B2: 'xyz' }, 'QPAY_B2'],
    [{ ...QPAY, QPAY_SHOP_NO: 'bad' }, 'QPAY_SHOP_NO'],
    [{ METRICS_TOKEN: 'short' }, 'METRICS_TOKEN'],
    [{ METRICS_TOKEN: 'has a space in it, long enough' }, 'METRICS_TOKEN'],
    [{ READY_MAX_EVENT_AGE_SECONDS: '0' }, 'READY_MAX_EVENT_AGE_SECONDS'],
    [{ HANDOFF_IDLE_MINUTES: '0' }, 'HANDOFF_IDLE_MINUTES'],
    [{ HANDOFF_IDLE_MINUTES: '1.5' }, 'HANDOFF_IDLE_MINUTES'],
    [{ LINE_PUSH_BUDGET: '-1' }, 'LINE_PUSH_BUDGET'],
    [{ LINE_PUSH_BUDGET: '200 messages' }, 'LINE_PUSH_BUDGET'],
    [{ LINE_PUSH_BUDGET: '1.5' }, 'LINE_PUSH_BUDGET'],
    [{ LINE_SIM_PUSH_QUOTA: 'none' }, 'LINE_SIM_PUSH_QUOTA'],
    [{ LINE_CHANNEL_SECRET: 's', LINE_CHANNEL_ACCESS_TOKEN: 't' }, 'ADMIN_SESSION_SECRET'],
    [{ ADMIN_SESSION_SECRET: 'too-short' }, 'ADMIN_SESSION_SECRET'],
    [{ ADMIN_IDLE_MINUTES: '0' }, 'ADMIN_IDLE_MINUTES'],
  ])('refuses %j naming %s', (env, variable) => {
    const err = errorOf(env as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.message.startsWith(`${variable}: `)).toBe(true);
  });

  it('takes a metrics token and the readiness threshold', () => {
    expect(loadConfig({}).metricsToken).toBeUndefined();
    expect(loadConfig({}).readyMaxEventAgeMs).toBe(30_000);
    const c = loadConfig({ METRICS_TOKEN: 'k9-Zq2_x7Lw4-Pm8', READY_MAX_EVENT_AGE_SECONDS: '120' });
    expect(c.metricsToken).toBe('k9-Zq2_x7Lw4-Pm8');
    expect(c.readyMaxEventAgeMs).toBe(120_000);
    expect(errorOf({ METRICS_TOKEN: 'short-secret' }).message).not.toContain('short-secret');
  });

  it('HANDOFF_IDLE_MINUTES: 60 by default, in minutes', () => {
    expect(loadConfig({}).handoffIdleMs).toBe(60 * 60_000);
    expect(loadConfig({ HANDOFF_IDLE_MINUTES: '15' }).handoffIdleMs).toBe(15 * 60_000);
  });

  it("LINE_PUSH_BUDGET: unset leaves it to LINE's quota; a whole number, 0 included, is the budget", () => {
    expect(loadConfig({}).linePushBudget).toBeUndefined();
    expect(loadConfig({ LINE_PUSH_BUDGET: ' ' }).linePushBudget).toBeUndefined();
    expect(loadConfig({ LINE_PUSH_BUDGET: '180' }).linePushBudget).toBe(180);
    expect(loadConfig({ LINE_PUSH_BUDGET: '0' }).linePushBudget).toBe(0);
    expect(loadConfig({}).sandbox.linePushQuota).toBeUndefined();
    expect(loadConfig({ LINE_SIM_PUSH_QUOTA: '200' }).sandbox.linePushQuota).toBe(200);
  });

  it('never puts a secret value into an error message', () => {
    const err = errorOf({ ...QPAY, QPAY_A1: 'secret-not-hex!!' });
    expect(err.message).not.toContain('secret-not-hex');
  });

  it('reads .env syntax with comments, export and quotes', () => {
    expect(parseDotEnv('# c\nexport PORT=4000\nSHOP_NAME="茶 舖"\nX=\'y\'\n\nbad line\n')).toEqual({
      PORT: '4000',
      SHOP_NAME: '茶 舖',
      X: 'y',
    });
  });

  it('QPAY_NOTIFY_ALLOW_IPS: addresses and CIDR ranges, checked at start', () => {
    expect(loadConfig({}).payments.notifyAllowIps).toBeUndefined();
    expect(
      loadConfig({ QPAY_NOTIFY_ALLOW_IPS: ' 203.0.113.7, 10.20.0.0/16 ,2001:db8::/32' }).payments.notifyAllowIps,
    ).toEqual(['203.0.113.7', '10.20.0.0/16', '2001:db8::/32']);
    for (const bad of ['bank.example.com', '10.0.0.0/33', '203.0.113.7/8/1', '::1/129', ' , ']) {
      const err = errorOf({ QPAY_NOTIFY_ALLOW_IPS: bad });
      expect(err.variable).toBe('QPAY_NOTIFY_ALLOW_IPS');
    }
    expect(errorOf({ QPAY_NOTIFY_ALLOW_IPS: '10.0.0.0/33' }).message).toContain('prefix must be 0-32');
  });

  it('TRUST_PROXY: off by default; only named proxies, never "true" or a bare hop count', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy).toEqual(['loopback']);
    for (const bad of ['true', '2', 'proxy.local']) expect(errorOf({ TRUST_PROXY: bad }).variable).toBe('TRUST_PROXY');
  });
});
