/**
 * The shop's effective settings: what the merchant saved in the console (`shop_settings`) wins;
 * the environment (SHOP_PROFILE / SHOP_NAME, the delivery variables) only gives first-start
 * defaults. Read through one small cache per instance, so the chat and checkout see a change
 * within CACHE_MS on every instance (at once on the instance that saved it) without a database
 * read per message.
 */
import type { DeliveryConfig } from '../config';
import type { Executor } from '../db/database';
import type { CvsSubType } from '../ecpay/types';
import { parseShopProfile, type ShopProfile } from './profile';
import { readSettings } from './settings-repository';

/**
 * Delivery methods, fees and the pickup address: `config.delivery`'s shape (null fee = the method is
 * not offered; null threshold = no free shipping), which the console overrides.
 */
export type DeliverySettings = DeliveryConfig;

export interface EffectiveSettings {
  profile: ShopProfile;
  delivery: DeliverySettings;
}

/** ECPay C2C store chains a merchant may offer. */
export const CVS_CHAINS: ReadonlyArray<{ code: string; label: string }> = [
  { code: 'UNIMARTC2C', label: '7-ELEVEN' },
  { code: 'FAMIC2C', label: '全家' },
  { code: 'HILIFEC2C', label: '萊爾富' },
  { code: 'OKMARTC2C', label: 'OK 超商' },
];

export const SETTINGS_CACHE_MS = 5_000;

export class SettingsError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const MAX_FEE = 100_000;

function fee(v: unknown, field: string): number | null {
  if (v === null || v === undefined) return null;
  if (!Number.isInteger(v) || (v as number) < 0 || (v as number) > MAX_FEE) {
    throw new SettingsError(field, `must be a whole number of TWD from 0 to ${MAX_FEE}`);
  }
  return v as number;
}

/** Checks a delivery value (from the console form or the database). */
export function parseDeliverySettings(input: unknown): DeliverySettings {
  const raw = (input ?? {}) as Record<string, unknown>;
  const pickupRaw = raw.pickup as { address?: unknown; hours?: unknown } | null | undefined;
  let pickup: DeliverySettings['pickup'] = null;
  if (pickupRaw) {
    const address = typeof pickupRaw.address === 'string' ? pickupRaw.address.trim() : '';
    const hours = typeof pickupRaw.hours === 'string' ? pickupRaw.hours.trim() : '';
    if (address === '' || address.length > 100)
      throw new SettingsError('pickupAddress', 'needs an address (at most 100 characters)');
    if (hours.length > 60) throw new SettingsError('pickupHours', 'is at most 60 characters');
    pickup = { address, hours };
  }
  const chains = Array.isArray(raw.cvsChains) ? raw.cvsChains : [];
  const known = new Set(CVS_CHAINS.map((c) => c.code));
  if (!chains.every((c) => typeof c === 'string' && known.has(c)))
    throw new SettingsError('cvsChains', 'unknown chain');
  const cvsFee = fee(raw.cvsFee, 'cvsFee');
  if (cvsFee !== null && chains.length === 0) throw new SettingsError('cvsChains', 'choose at least one chain');
  return {
    homeFee: fee(raw.homeFee, 'homeFee'),
    cvsFee,
    freeShippingThreshold: fee(raw.freeShippingThreshold, 'freeShippingThreshold'),
    pickup,
    cvsChains: chains as CvsSubType[],
  };
}

/** The profile's text fields the console's profile form edits (the rich menu's words stay in the profile file). */
export const EDITABLE_PROFILE_FIELDS = [
  'name',
  'emoji',
  'greeting',
  'tagline',
  'about',
  'contact',
  'phone',
  'email',
  'hours',
  'address',
  'returnPolicy',
  'brandColor',
] as const;

/** What the stored override may hold: the form's fields and the merchant's FAQ entries. */
const STORED_PROFILE_FIELDS = [...EDITABLE_PROFILE_FIELDS, 'faq'] as const;

/** The stored override applied over the environment's profile, checked by the profile's own rules. */
export function mergeProfile(base: ShopProfile, override: unknown): ShopProfile {
  const o = (override ?? {}) as Record<string, unknown>;
  const picked = Object.fromEntries(STORED_PROFILE_FIELDS.filter((k) => k in o).map((k) => [k, o[k]]));
  return parseShopProfile({ ...base, ...picked });
}

/** The override to store for an effective profile: every field the console edits, so a save changes only what it names. */
export function profileOverride(p: ShopProfile): Record<(typeof STORED_PROFILE_FIELDS)[number], unknown> {
  const fields = Object.fromEntries(EDITABLE_PROFILE_FIELDS.map((k) => [k, p[k]]));
  return { ...fields, faq: p.faq ?? [] } as Record<(typeof STORED_PROFILE_FIELDS)[number], unknown>;
}

export class ShopSettings {
  private cached: { at: number; value: EffectiveSettings } | undefined;
  /** The last settings read, kept past invalidate(): what the synchronous `latestName` answers. */
  private lastKnown: EffectiveSettings | undefined;

  constructor(
    private readonly db: Executor,
    /** The environment's values: first-start defaults. */
    private readonly defaults: EffectiveSettings,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /**
   * The effective settings (DB override ?? environment), at most SETTINGS_CACHE_MS old. Code inside
   * a transaction passes it: on SQLite (one connection) a read outside it would wait for it forever.
   * Loads are not shared between callers for the same reason (one may hold the connection).
   */
  async get(executor: Executor = this.db): Promise<EffectiveSettings> {
    const c = this.cached;
    if (c && this.clock() - c.at < SETTINGS_CACHE_MS) return c.value;
    return this.load(executor);
  }

  /** Forgets the cached value (after this instance saved a change). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async load(executor: Executor): Promise<EffectiveSettings> {
    const stored = await readSettings(executor);
    const value: EffectiveSettings = {
      profile: this.storedProfile(stored.get('profile')),
      delivery: this.storedDelivery(stored.get('delivery')),
    };
    this.cached = { at: this.clock(), value };
    this.lastKnown = value;
    return value;
  }

  /**
   * The shop's name as last read (the chat reads the settings on every event, and a save here
   * re-reads them), for places that print it without a database read: receipts, the bank's item
   * name, the payment result and delivery pages.
   */
  latestName(): string {
    return (this.lastKnown ?? this.defaults).profile.name;
  }

  // A stored value that no longer passes the rules (an older version wrote it) falls back to the
  // environment's rather than stopping the chat.
  private storedProfile(json: string | undefined): ShopProfile {
    if (json === undefined) return this.defaults.profile;
    try {
      return mergeProfile(this.defaults.profile, JSON.parse(json));
    } catch {
      return this.defaults.profile;
    }
  }

  private storedDelivery(json: string | undefined): DeliverySettings {
    if (json === undefined) return this.defaults.delivery;
    try {
      return parseDeliverySettings(JSON.parse(json));
    } catch {
      return this.defaults.delivery;
    }
  }
}
