/**
 * Longer than 400 lines: every environment variable of the shop is validated here, in one place,
 * so one file answers "what can be configured and what is refused".
 *
 * Configuration: environment variables (and an optional `.env` file) turned into one typed,
 * validated object, once, at start. A bad or missing value stops the process with one line that
 * names the variable. Nothing else in the code reads `process.env`.
 * Longer than 400 lines because every variable's check belongs in this one place.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAddressList } from './address-list';
import { ECPAY_STAGE_BASE_URL, ECPAY_STAGE_C2C } from './ecpay/stage';
import { C2C_SUBTYPES, type CvsSubType, type EcpayLogisticsConfig, isCvsSubType } from './ecpay/types';
import { cellPhoneProblem, nameProblem, normalizeCellPhone } from './ecpay/validate';
import { GENERIC_PROFILE, ProfileError, parseShopProfileJson, type ShopProfile } from './shop/profile';

export type Mode = 'sandbox' | 'live';

export interface QpayConfig {
  baseUrl: string;
  shopNo: string;
  a1: string;
  a2: string;
  b1: string;
  b2: string;
  keyId: string;
}

export interface PaymentsConfig {
  /** Life of a card pay link, minutes (QPay ExpMinutes 1–30). CARD_PAY_MINUTES, default 20. */
  cardPayMinutes: number;
  /** Capture card payments at once (QPay AutoBilling Y). CARD_AUTO_CAPTURE, default true. */
  cardAutoCapture: boolean;
  /** ATM transfers are accepted until 23:59 Taiwan time this many days after checkout. ATM_EXPIRE_DAYS, default 3. */
  atmExpireDays: number;
  /** How often orders awaiting payment are checked with the bank. RECONCILE_INTERVAL_SECONDS, default 120. */
  reconcileIntervalMs: number;
  /** A pending order untouched this long is resolved by asking the bank. PENDING_RECOVERY_SECONDS, default 60. */
  pendingRecoveryMs: number;
  /**
   * The bank's addresses (IPs or CIDR ranges). When set, POST /payments/qpay/notify from any other
   * address is refused 403. QPAY_NOTIFY_ALLOW_IPS, default unset (any address may notify).
   */
  notifyAllowIps: string[] | undefined;
}

/**
 * What the delivery step offers and charges (issue 13). A fee of null switches the method off. The
 * merchant console may later store overrides of this in the database, so services take a
 * DeliveryConfig as a parameter and never read `config.delivery` themselves.
 */
export interface DeliveryConfig {
  /** 宅配到府, integer TWD. DELIVERY_HOME_FEE, default 100; `off` = not offered. */
  homeFee: number | null;
  /** 超商取貨, integer TWD. DELIVERY_CVS_FEE, default 60; `off` (or live without ECPay credentials) = not offered. */
  cvsFee: number | null;
  /** Subtotal (TWD) at or above which shipping is free. FREE_SHIPPING_THRESHOLD, default off (null). */
  freeShippingThreshold: number | null;
  /** 門市自取 (free): DELIVERY_PICKUP_ADDRESS and DELIVERY_PICKUP_HOURS; null = not offered. */
  pickup: { address: string; hours: string } | null;
  /** The store chains offered for 超商取貨, as ECPay LogisticsSubTypes. CVS_CHAINS. */
  cvsChains: CvsSubType[];
}

/**
 * Which proxies in front of the shop may say who the client is (X-Forwarded-For), as Fastify's
 * `trustProxy`: false (the socket's address is the client) or the proxies' addresses. A hop count
 * is not offered: Fastify 5 ignores it (it cannot check the immediate peer). TRUST_PROXY, default false.
 */
export type TrustProxy = false | string[];

/** Who ECPay prints as the sender of store shipments (SenderName / SenderCellPhone). */
export interface ShippingSender {
  name: string;
  /** `09xxxxxxxx`. */
  cellPhone: string;
}

export interface ShippingConfig {
  /** Create the ECPay store shipment as soon as a store-pickup order is paid. CVS_AUTO_SHIP, default true. */
  cvsAutoShip: boolean;
  /**
   * ECPAY_LOGISTICS_SENDER_NAME / _CELLPHONE, checked by ECPay's rules at start. Required when the
   * ECPay credentials are set; the sandbox uses a demo sender. Absent: no ECPay shipments.
   */
  sender: ShippingSender | undefined;
  /** A shipped home delivery counts as delivered this long after shipping. DELIVERY_AUTO_COMPLETE_DAYS, default 7. */
  deliveryAutoCompleteMs: number;
  /** Recipient name, phone and address are wiped this long after completion. RECIPIENT_RETENTION_DAYS, default 180. */
  recipientRetentionMs: number;
}

/** The sandbox's sender when none is set: a name and number ECPay's rules accept. */
export const DEMO_SENDER: Readonly<ShippingSender> = Object.freeze({ name: '林小茶', cellPhone: '0912345678' });

export interface Config {
  mode: Mode;
  port: number;
  host: string;
  publicBaseUrl: string;
  trustProxy: TrustProxy;
  databaseUrl: string;
  /** Who the shop is (SHOP_PROFILE file, SHOP_NAME); see src/shop/profile.ts. */
  profile: ShopProfile;
  /** The profile's name, which many places need alone. */
  shopName: string;
  line: {
    channelSecret: string;
    channelAccessToken: string;
    apiBaseUrl: string;
    dataApiBaseUrl: string;
  };
  /** Absent until the merchant sets the QPay variables (in sandbox mode the bank simulator's). */
  qpay: QpayConfig | undefined;
  payments: PaymentsConfig;
  /**
   * ECPay logistics (store map, shipments). Live: only when ECPAY_LOGISTICS_MERCHANT_ID, _HASH_KEY
   * and _HASH_IV are set (else 超商取貨 is not offered). Sandbox: the logistics simulator with
   * ECPay's public C2C stage account, unless the variables say otherwise.
   */
  ecpayLogistics: EcpayLogisticsConfig | undefined;
  shipping: ShippingConfig;
  /** Delivery methods, fees and free shipping offered at checkout. */
  delivery: DeliveryConfig;
  /**
   * Pushes the shop may send per Taiwan calendar month before lower-ranked notices are held for
   * the customer's next reply (LINE_PUSH_BUDGET). Undefined: LINE's own monthly quota when it
   * has one, else unlimited. See src/shop/push-budget.ts.
   */
  linePushBudget: number | undefined;
  /** Handled webhook events and delivered messages are deleted after this long (RETENTION_DAYS). */
  retentionMs: number;
  /** Where "back to LINE" links point: the shop's LINE Official Account (or the sandbox chat page). */
  backToLineUrl: string;
  /** Local simulators, used only in sandbox mode. */
  sandbox: {
    host: string;
    lineSimPort: number;
    bankSimPort: number;
    /** The ECPay logistics simulator (store map, shipments). LOGISTICS_SIM_PORT, default 3200. */
    logisticsSimPort: number;
    /** Seconds between a simulated parcel's steps (sent → arrived → picked up); 0 = admin triggers only. LOGISTICS_SIM_STEP_SECONDS, default 60. */
    logisticsStepSeconds: number;
    /** Where simulated parcels end after arriving: picked up, or returned. LOGISTICS_SIM_OUTCOME, default pick_up. */
    logisticsOutcome: 'pick_up' | 'return';
    bankAtmDelaySeconds: number;
    bankStateFile: string;
    /** The LINE simulator's monthly push quota (LINE_SIM_PUSH_QUOTA; unset: no limit). */
    linePushQuota: number | undefined;
  };
  logLevel: string;
  /**
   * Bearer token for GET /metrics (METRICS_TOKEN). Unset: /metrics answers only requests made on
   * this machine (loopback, not forwarded by a proxy).
   */
  metricsToken: string | undefined;
  /**
   * A hand-off to a person ends by itself after this long without merchant activity, and the bot
   * answers the customer's typed text again (HANDOFF_IDLE_MINUTES, default 60).
   */
  handoffIdleMs: number;
  /** The merchant console (/admin); see src/admin/. */
  admin: AdminConfig;
  /** /readyz says 503 when the oldest unhandled event is older than this and the backlog is not draining (READY_MAX_EVENT_AGE_SECONDS, default 30). */
  readyMaxEventAgeMs: number;
}

export interface AdminConfig {
  /**
   * Signs the console's CSRF cookie (ADMIN_SESSION_SECRET, at least 32 characters). Required in
   * live mode; the sandbox makes a random one at each start (open console forms then need a reload).
   */
  sessionSecret: string;
  /** A console session ends after this long without a request (ADMIN_IDLE_MINUTES, default 30). */
  idleMs: number;
  /** Where uploaded product images are kept (MEDIA_UPLOAD_DIR, default data/media); served at /media/uploads/. */
  uploadDir: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses a `.env` file: `NAME=value` lines, `#` comments, optional single or double quotes. */
export function parseDotEnv(text: string): Env {
  const out: Env = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const name = line
      .slice(0, eq)
      .trim()
      .replace(/^export\s+/, '');
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1);
    }
    out[name] = value;
  }
  return out;
}

/** The process environment with `.env` underneath it (real environment variables win). */
export function environmentWithDotEnv(env: Env = process.env, dotEnvPath = '.env'): Env {
  if (!existsSync(dotEnvPath)) return env;
  return { ...parseDotEnv(readFileSync(dotEnvPath, 'utf8')), ...env };
}

function text(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

function port(env: Env, name: string, fallback: number): number {
  const v = text(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 65535) {
    throw new ConfigError(name, `must be a port number 1-65535, got "${v}"`);
  }
  return Number(v);
}

function httpUrl(env: Env, name: string, fallback: string): string {
  const v = text(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${v}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(name, `must be an http(s) URL, got "${v}"`);
  }
  return v.replace(/\/+$/, '');
}

function databaseUrl(env: Env): string {
  const v = text(env, 'DATABASE_URL') ?? 'sqlite:data/shop.db';
  if (v === 'sqlite::memory:' || /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v)) return v;
  throw new ConfigError('DATABASE_URL', `must be sqlite:<file>, sqlite::memory: or postgres://…, got "${v}"`);
}

const HEX16 = /^[0-9A-Fa-f]{16}$/;

function qpay(env: Env, mode: Mode): QpayConfig | undefined {
  const names = ['QPAY_SHOP_NO', 'QPAY_A1', 'QPAY_A2', 'QPAY_B1', 'QPAY_B2', 'QPAY_KEY_ID'] as const;
  const given = names.filter((n) => text(env, n) !== undefined);
  if (given.length === 0) return undefined;
  const missing = names.find((n) => text(env, n) === undefined);
  if (missing) throw new ConfigError(missing, 'is required when any QPAY_* variable is set');
  const shopNo = text(env, 'QPAY_SHOP_NO') as string;
  if (!/^[A-Z0-9]{6}_\d{3}$/.test(shopNo)) {
    throw new ConfigError('QPAY_SHOP_NO', `must look like NA0249_001, got "${shopNo}"`);
  }
  for (const key of ['QPAY_A1', 'QPAY_A2', 'QPAY_B1', 'QPAY_B2'] as const) {
    if (!HEX16.test(text(env, key) as string)) throw new ConfigError(key, 'must be 16 hexadecimal characters');
  }
  const fallbackBase =
    mode === 'live'
      ? 'https://apisbx.sinopac.com/funBIZ-Sbx/QPay.WebAPI/api/'
      : 'http://127.0.0.1:3100/funBIZ-Sbx/QPay.WebAPI/api/';
  const baseUrl = `${httpUrl(env, 'QPAY_BASE_URL', fallbackBase)}/`;
  return {
    baseUrl,
    shopNo,
    a1: (text(env, 'QPAY_A1') as string).toUpperCase(),
    a2: (text(env, 'QPAY_A2') as string).toUpperCase(),
    b1: (text(env, 'QPAY_B1') as string).toUpperCase(),
    b2: (text(env, 'QPAY_B2') as string).toUpperCase(),
    keyId: text(env, 'QPAY_KEY_ID') as string,
  };
}

function ecpayLogistics(env: Env, mode: Mode, simPort: number, simHost: string): EcpayLogisticsConfig | undefined {
  const names = ['ECPAY_LOGISTICS_MERCHANT_ID', 'ECPAY_LOGISTICS_HASH_KEY', 'ECPAY_LOGISTICS_HASH_IV'] as const;
  const given = names.filter((n) => text(env, n) !== undefined);
  if (given.length === 0) {
    if (mode === 'live') return undefined;
    const baseUrl = httpUrl(env, 'ECPAY_LOGISTICS_BASE_URL', `http://${simHost}:${simPort}`);
    return { baseUrl, ...ECPAY_STAGE_C2C };
  }
  const missing = names.find((n) => text(env, n) === undefined);
  if (missing) throw new ConfigError(missing, 'is required when any ECPAY_LOGISTICS_* credential is set');
  const merchantId = text(env, 'ECPAY_LOGISTICS_MERCHANT_ID') as string;
  if (!/^\d{1,10}$/.test(merchantId)) {
    throw new ConfigError('ECPAY_LOGISTICS_MERCHANT_ID', `must be ECPay's numeric MerchantID, got "${merchantId}"`);
  }
  for (const key of ['ECPAY_LOGISTICS_HASH_KEY', 'ECPAY_LOGISTICS_HASH_IV'] as const) {
    if (!/^[0-9A-Za-z]{16}$/.test(text(env, key) as string)) {
      throw new ConfigError(key, 'must be the 16 letters and digits ECPay issued');
    }
  }
  return {
    baseUrl: httpUrl(env, 'ECPAY_LOGISTICS_BASE_URL', ECPAY_STAGE_BASE_URL),
    merchantId,
    hashKey: text(env, 'ECPAY_LOGISTICS_HASH_KEY') as string,
    hashIv: text(env, 'ECPAY_LOGISTICS_HASH_IV') as string,
  };
}

function shippingSender(env: Env, credentialsGiven: boolean): ShippingSender | undefined {
  const name = text(env, 'ECPAY_LOGISTICS_SENDER_NAME');
  const phone = text(env, 'ECPAY_LOGISTICS_SENDER_CELLPHONE');
  if (name === undefined && phone === undefined) return credentialsGiven ? missingSender() : { ...DEMO_SENDER };
  if (name === undefined)
    throw new ConfigError('ECPAY_LOGISTICS_SENDER_NAME', 'is required with ECPAY_LOGISTICS_SENDER_CELLPHONE');
  if (phone === undefined)
    throw new ConfigError('ECPAY_LOGISTICS_SENDER_CELLPHONE', 'is required with ECPAY_LOGISTICS_SENDER_NAME');
  // ECPay's own rules (src/ecpay/validate.ts): what passes here is never refused for the sender.
  const nameIssue = nameProblem(name, 'sender');
  if (nameIssue)
    throw new ConfigError(
      'ECPAY_LOGISTICS_SENDER_NAME',
      `${nameIssue} (ECPay: 2–5 Chinese characters or 4–10 letters, the name on the sender's ID)`,
    );
  const cell = normalizeCellPhone(phone);
  const phoneIssue = cell === null ? (cellPhoneProblem(phone) ?? 'invalid') : null;
  if (phoneIssue || cell === null)
    throw new ConfigError(
      'ECPAY_LOGISTICS_SENDER_CELLPHONE',
      `must be a Taiwanese mobile number 09xxxxxxxx, got "${phone}"`,
    );
  return { name, cellPhone: cell };
}

function missingSender(): never {
  throw new ConfigError(
    'ECPAY_LOGISTICS_SENDER_NAME',
    'and ECPAY_LOGISTICS_SENDER_CELLPHONE are required when the ECPay logistics credentials are set (ECPay prints them on every store shipment)',
  );
}

function shipping(env: Env, ecpay: EcpayLogisticsConfig | undefined): ShippingConfig {
  const credentialsGiven = text(env, 'ECPAY_LOGISTICS_MERCHANT_ID') !== undefined;
  return {
    cvsAutoShip: flag(env, 'CVS_AUTO_SHIP', true),
    sender: ecpay ? shippingSender(env, credentialsGiven) : undefined,
    deliveryAutoCompleteMs: integer(env, 'DELIVERY_AUTO_COMPLETE_DAYS', 7, 1, 90) * 86_400_000,
    recipientRetentionMs: integer(env, 'RECIPIENT_RETENTION_DAYS', 180, 1, 3650) * 86_400_000,
  };
}

function logisticsOutcome(env: Env): 'pick_up' | 'return' {
  const v = text(env, 'LOGISTICS_SIM_OUTCOME') ?? 'pick_up';
  if (v !== 'pick_up' && v !== 'return')
    throw new ConfigError('LOGISTICS_SIM_OUTCOME', `must be pick_up or return, got "${v}"`);
  return v;
}

/** A fee in whole TWD, or `off`. */
function fee(env: Env, name: string, fallback: number | null): number | null {
  const v = text(env, name);
  if (v === undefined) return fallback;
  if (v.toLowerCase() === 'off') return null;
  if (!/^\d{1,5}$/.test(v)) throw new ConfigError(name, `must be a whole number of TWD (0-99999) or off, got "${v}"`);
  return Number(v);
}

const DEFAULT_CVS_CHAINS: CvsSubType[] = [...C2C_SUBTYPES];

function cvsChains(env: Env): CvsSubType[] {
  const v = text(env, 'CVS_CHAINS');
  if (v === undefined) return [...DEFAULT_CVS_CHAINS];
  const list = v
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  if (list.length === 0) throw new ConfigError('CVS_CHAINS', 'lists no chain (set DELIVERY_CVS_FEE=off instead)');
  for (const c of list) {
    if (!isCvsSubType(c)) {
      throw new ConfigError('CVS_CHAINS', `"${c}" is not an ECPay store subtype (${DEFAULT_CVS_CHAINS.join(', ')} …)`);
    }
  }
  return [...new Set(list)] as CvsSubType[];
}

function delivery(env: Env, ecpay: EcpayLogisticsConfig | undefined): DeliveryConfig {
  const address = text(env, 'DELIVERY_PICKUP_ADDRESS');
  const hours = text(env, 'DELIVERY_PICKUP_HOURS');
  if (hours !== undefined && address === undefined) {
    throw new ConfigError('DELIVERY_PICKUP_HOURS', 'needs DELIVERY_PICKUP_ADDRESS (where customers pick up)');
  }
  if (address !== undefined && [...address].length > 100) {
    throw new ConfigError('DELIVERY_PICKUP_ADDRESS', 'must be at most 100 characters');
  }
  if (hours !== undefined && [...hours].length > 100) {
    throw new ConfigError('DELIVERY_PICKUP_HOURS', 'must be at most 100 characters');
  }
  const homeFee = fee(env, 'DELIVERY_HOME_FEE', 100);
  // Store pickup needs ECPay's store map: live without the ECPay variables, it is not offered.
  const cvsFee = ecpay === undefined ? null : fee(env, 'DELIVERY_CVS_FEE', 60);
  if (ecpay === undefined) fee(env, 'DELIVERY_CVS_FEE', 60); // still validated
  const threshold = text(env, 'FREE_SHIPPING_THRESHOLD');
  let freeShippingThreshold: number | null = null;
  if (threshold !== undefined && threshold.toLowerCase() !== 'off') {
    if (!/^\d{1,7}$/.test(threshold) || Number(threshold) < 1) {
      throw new ConfigError(
        'FREE_SHIPPING_THRESHOLD',
        `must be a whole number of TWD (1 or more) or off, got "${threshold}"`,
      );
    }
    freeShippingThreshold = Number(threshold);
  }
  const pickup = address === undefined ? null : { address, hours: hours ?? '' };
  if (homeFee === null && cvsFee === null && pickup === null) {
    throw new ConfigError(
      'DELIVERY_HOME_FEE',
      'every delivery method is off: keep 宅配, 超商取貨 (with ECPay) or set DELIVERY_PICKUP_ADDRESS',
    );
  }
  return { homeFee, cvsFee, freeShippingThreshold, pickup, cvsChains: cvsChains(env) };
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const v = text(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got "${v}"`);
  }
  return Number(v);
}

/** A whole number in range, or undefined when unset. */
function optionalInteger(env: Env, name: string, min: number, max: number): number | undefined {
  return text(env, name) === undefined ? undefined : integer(env, name, 0, min, max);
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const v = text(env, name)?.toLowerCase();
  if (v === undefined) return fallback;
  if (['1', 'true', 'yes', 'y', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'n', 'off'].includes(v)) return false;
  throw new ConfigError(name, `must be true or false, got "${v}"`);
}

function payments(env: Env): PaymentsConfig {
  return {
    cardPayMinutes: integer(env, 'CARD_PAY_MINUTES', 20, 1, 30),
    cardAutoCapture: flag(env, 'CARD_AUTO_CAPTURE', true),
    atmExpireDays: integer(env, 'ATM_EXPIRE_DAYS', 3, 0, 30),
    reconcileIntervalMs: integer(env, 'RECONCILE_INTERVAL_SECONDS', 120, 5, 86_400) * 1000,
    pendingRecoveryMs: integer(env, 'PENDING_RECOVERY_SECONDS', 60, 5, 3_600) * 1000,
    notifyAllowIps: addresses(env, 'QPAY_NOTIFY_ALLOW_IPS'),
  };
}

function addresses(env: Env, name: string): string[] | undefined {
  const v = text(env, name);
  if (v === undefined) return undefined;
  let list: string[];
  try {
    list = parseAddressList(v);
  } catch (err) {
    throw new ConfigError(name, `must be comma-separated IP addresses or CIDR ranges: ${(err as Error).message}`);
  }
  if (list.length === 0) throw new ConfigError(name, 'lists no address');
  return list;
}

/** Proxy-addr's names for the private ranges, accepted beside addresses. */
const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

function trustProxy(env: Env): TrustProxy {
  const v = text(env, 'TRUST_PROXY');
  if (v === undefined || ['false', 'no', 'off', '0'].includes(v.toLowerCase())) return false;
  if (['true', 'yes', 'on'].includes(v.toLowerCase()) || /^\d+$/.test(v)) {
    // Trusting every hop (or a bare count) lets any client choose its own address with X-Forwarded-For.
    throw new ConfigError('TRUST_PROXY', `name the proxies' addresses (e.g. 127.0.0.1 or 10.0.0.0/8), got "${v}"`);
  }
  const parts = v.split(',').map((p) => p.trim());
  const keywords = parts.filter((p) => PROXY_KEYWORDS.includes(p));
  let list: string[];
  try {
    list = parseAddressList(parts.filter((p) => !PROXY_KEYWORDS.includes(p)).join(','));
  } catch (err) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be false or the proxies' addresses/CIDR ranges (or loopback, linklocal, uniquelocal): ${(err as Error).message}`,
    );
  }
  if (keywords.length + list.length === 0) throw new ConfigError('TRUST_PROXY', 'lists no proxy');
  return [...keywords, ...list];
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env): string {
  const v = text(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(v))
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}, got "${v}"`);
  return v;
}

/** The demo tea shop, which the sandbox speaks as unless SHOP_PROFILE names another profile. */
export const DEMO_SHOP_PROFILE = join(__dirname, '..', 'db', 'seed', 'shop.json');

function shopProfile(env: Env, mode: Mode): ShopProfile {
  const file = text(env, 'SHOP_PROFILE') ?? (mode === 'sandbox' ? DEMO_SHOP_PROFILE : undefined);
  let profile: ShopProfile = { ...GENERIC_PROFILE, richMenu: { ...GENERIC_PROFILE.richMenu } };
  if (file !== undefined) {
    if (!existsSync(file)) throw new ConfigError('SHOP_PROFILE', `file not found: ${file}`);
    try {
      profile = parseShopProfileJson(readFileSync(file, 'utf8'));
    } catch (err) {
      if (err instanceof ProfileError) throw new ConfigError('SHOP_PROFILE', `${file}: ${err.message}`);
      throw err;
    }
  }
  const name = text(env, 'SHOP_NAME');
  if (name !== undefined) {
    if ([...name].length > 40) throw new ConfigError('SHOP_NAME', 'must be at most 40 characters');
    profile.name = name;
  }
  return profile;
}

function metricsToken(env: Env): string | undefined {
  const v = text(env, 'METRICS_TOKEN');
  if (v === undefined) return undefined;
  // Sent as `Authorization: Bearer <token>`: printable ASCII without spaces, long enough not to guess.
  if (!/^[\x21-\x7e]{16,}$/.test(v)) {
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 printable characters without spaces');
  }
  return v;
}

function admin(env: Env, mode: Mode): AdminConfig {
  const secret = text(env, 'ADMIN_SESSION_SECRET');
  if (secret === undefined && mode === 'live') {
    throw new ConfigError('ADMIN_SESSION_SECRET', 'is required in live mode (e.g. `openssl rand -hex 32`)');
  }
  if (secret !== undefined && secret.length < 32) {
    throw new ConfigError('ADMIN_SESSION_SECRET', 'must be at least 32 characters');
  }
  return {
    sessionSecret: secret ?? randomBytes(32).toString('hex'),
    idleMs: integer(env, 'ADMIN_IDLE_MINUTES', 30, 1, 24 * 60) * 60_000,
    uploadDir: text(env, 'MEDIA_UPLOAD_DIR') ?? 'data/media',
  };
}

export function loadConfig(env: Env): Config {
  const secret = text(env, 'LINE_CHANNEL_SECRET');
  const mode: Mode = secret === undefined ? 'sandbox' : 'live';
  const token = text(env, 'LINE_CHANNEL_ACCESS_TOKEN');
  if (mode === 'live' && token === undefined) {
    throw new ConfigError('LINE_CHANNEL_ACCESS_TOKEN', 'is required when LINE_CHANNEL_SECRET is set');
  }
  const listenPort = port(env, 'PORT', 3000);
  const profile = shopProfile(env, mode);
  const sandboxHost = text(env, 'SANDBOX_HOST') ?? '127.0.0.1';
  const logisticsSimPort = port(env, 'LOGISTICS_SIM_PORT', 3200);
  const ecpay = ecpayLogistics(env, mode, logisticsSimPort, sandboxHost);
  return {
    mode,
    port: listenPort,
    host: text(env, 'HOST') ?? (mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0'),
    publicBaseUrl: httpUrl(env, 'PUBLIC_BASE_URL', `http://localhost:${listenPort}`),
    trustProxy: trustProxy(env),
    databaseUrl: databaseUrl(env),
    profile,
    shopName: profile.name,
    line: {
      // In sandbox mode the LINE simulator is given these same values.
      channelSecret: secret ?? 'sandbox-channel-secret',
      channelAccessToken: token ?? 'sandbox-channel-access-token',
      apiBaseUrl: httpUrl(env, 'LINE_API_BASE_URL', 'https://api.line.me'),
      dataApiBaseUrl: httpUrl(env, 'LINE_DATA_API_BASE_URL', 'https://api-data.line.me'),
    },
    qpay: qpay(env, mode),
    payments: payments(env),
    ecpayLogistics: ecpay,
    shipping: shipping(env, ecpay),
    delivery: delivery(env, ecpay),
    linePushBudget: optionalInteger(env, 'LINE_PUSH_BUDGET', 0, 10_000_000),
    retentionMs: integer(env, 'RETENTION_DAYS', 30, 1, 3650) * 86_400_000,
    backToLineUrl: httpUrl(env, 'LINE_OA_URL', 'https://line.me/R/'),
    sandbox: {
      host: sandboxHost,
      lineSimPort: port(env, 'LINE_SIM_PORT', 3001),
      bankSimPort: port(env, 'BANK_SIM_PORT', 3100),
      logisticsSimPort,
      logisticsStepSeconds: integer(env, 'LOGISTICS_SIM_STEP_SECONDS', 60, 0, 86_400),
      logisticsOutcome: logisticsOutcome(env),
      bankAtmDelaySeconds: integer(env, 'BANK_SIM_ATM_DELAY_SECONDS', 300, 0, 86_400),
      bankStateFile: text(env, 'BANK_SIM_STATE_FILE') ?? 'data/bank-sim.json',
      linePushQuota: optionalInteger(env, 'LINE_SIM_PUSH_QUOTA', 0, 10_000_000),
    },
    logLevel: logLevel(env),
    metricsToken: metricsToken(env),
    readyMaxEventAgeMs: integer(env, 'READY_MAX_EVENT_AGE_SECONDS', 30, 1, 86_400) * 1000,
    handoffIdleMs: integer(env, 'HANDOFF_IDLE_MINUTES', 60, 1, 7 * 24 * 60) * 60_000,
    admin: admin(env, mode),
  };
}
