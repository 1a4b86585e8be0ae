/**
 * The shop profile: who the shop is, in its own words — name, greeting, tagline, about and contact
 * text, brand colour, and the few words its rich menu draws. One typed object, validated once at
 * start (from a `shop.json` named by SHOP_PROFILE, with SHOP_NAME able to override the name); every
 * greeting, receipt and menu reads it, so the same code speaks as a tea shop or a shoe shop.
 * The demo tea shop's profile lives with its catalog in db/seed/shop.json.
 */

/** Pictures a profile may choose for its rich menu (drawn in richmenu/design/icons.ts). */
export const MENU_ICONS = ['bag', 'teacup', 'leaf', 'mountains', 'star'] as const;
export type MenuIcon = (typeof MENU_ICONS)[number];

export interface RichMenuWords {
  /** The first tab of the menu, e.g. 逛茶舖 (at most 6 characters fit). */
  shopTab: string;
  /** Under 瀏覽商品, e.g. 當季台灣好茶. */
  browseHint: string;
  /** The guide tab's headline, e.g. 在 LINE 買好茶，只要四步. */
  guideTitle: string;
  /** The guide's first step, e.g. 挑選茶品. */
  firstStep: string;
  /** Under the guide's 開始選購, e.g. 看看今天的茶. */
  startHint: string;
  /** The picture on 瀏覽商品, e.g. teacup. */
  browseIcon: MenuIcon;
  /** The picture of the guide's first step, e.g. leaf. */
  firstStepIcon: MenuIcon;
  /** The shop's mark beside the first tab, e.g. mountains. */
  markIcon: MenuIcon;
}

/** A question customers ask, in the merchant's words: typed text containing a keyword gets the answer. */
export interface FaqEntry {
  /** Shown as a button in help (at most 40 characters, LINE's button label limit). */
  question: string;
  /** Words that bring this answer when typed (folded like search: 臺/台, Traditional/Simplified …). */
  keywords: string[];
  answer: string;
}

export interface ShopProfile {
  /** Shown in greetings, receipts, result pages and the bank's pages. */
  name: string;
  /** One emoji after the name in the greeting (may be empty). */
  emoji: string;
  /** A sentence or two introducing the shop, said when a customer adds the shop as a friend. */
  greeting: string;
  /** A short line about what the shop sells, used where a few words fit (the rich menu). */
  tagline: string;
  /** About the shop, shown with the help text (may be empty). */
  about: string;
  /** How to reach a person, free text shown with help (may be empty). */
  contact: string;
  /** Phone for customers (may be empty); help offers a 撥打電話 button when set. */
  phone: string;
  email: string;
  /** When a person answers, e.g. 週一至週五 10:00–18:00; told to a customer handed to a person. */
  hours: string;
  /** Shop or pick-up address (may be empty). */
  address: string;
  /** The return policy customers are told (the 7-day 鑑賞期 text by default; the merchant may edit it). */
  returnPolicy: string;
  /**
   * The merchant's own FAQ entries (undefined or empty = none), shown before the defaults built
   * from the shop's settings (src/shop/faq.ts); edited in the console's settings.
   */
  faq: FaqEntry[] | undefined;
  /** The brand colour, #RRGGBB: headers of the shop's bubbles and the rich menu. */
  brandColor: string;
  richMenu: RichMenuWords;
}

/** Taiwan's 消費者保護法 gives distance-selling buyers 7 days to return goods without a reason. */
export const DEFAULT_RETURN_POLICY =
  '商品到貨後享 7 天鑑賞期（非試用期），期間內可申請退貨，不需說明理由。退貨時請保持商品完整（含包裝與配件）。商品有瑕疵或寄錯，請拍照傳給我們，我們會負責處理並負擔運費。';

/** A shop that has said nothing about itself yet: neutral words, no product kind assumed. */
export const GENERIC_PROFILE: Readonly<ShopProfile> = Object.freeze({
  name: '我的商店',
  emoji: '😊',
  greeting: '很高興為您服務，歡迎慢慢逛。',
  tagline: '本店精選商品',
  about: '',
  contact: '',
  phone: '',
  email: '',
  hours: '',
  address: '',
  returnPolicy: DEFAULT_RETURN_POLICY,
  faq: undefined,
  brandColor: '#2E4A3B',
  richMenu: Object.freeze({
    shopTab: '逛商店',
    browseHint: '本店精選商品',
    guideTitle: '在 LINE 購物，只要四步',
    firstStep: '挑選商品',
    startHint: '看看今天的商品',
    browseIcon: 'bag',
    firstStepIcon: 'bag',
    markIcon: 'star',
  }),
});

/** A profile file or value that does not fit; names the field, like ConfigError names a variable. */
export class ProfileError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
    this.name = 'ProfileError';
  }
}

/** Upper bounds keep every text inside what LINE shows without truncation in a bubble or menu. */
const LIMITS: Record<keyof Omit<ShopProfile, 'richMenu' | 'brandColor' | 'faq'>, number> = {
  name: 40,
  emoji: 8,
  greeting: 300,
  tagline: 20,
  about: 500,
  contact: 300,
  phone: 20,
  email: 100,
  hours: 60,
  address: 100,
  returnPolicy: 500,
};
/**
 * Help shows every question as a button, after these come the five defaults: fifteen link buttons
 * still read as one list on a phone, and the bubble stays far below LINE's 30 KB.
 */
export const FAQ_MAX_ENTRIES = 10;
const MENU_ICON_FIELDS = ['browseIcon', 'firstStepIcon', 'markIcon'] as const;
const MENU_LIMITS: Record<Exclude<keyof RichMenuWords, (typeof MENU_ICON_FIELDS)[number]>, number> = {
  shopTab: 6,
  browseHint: 12,
  guideTitle: 16,
  firstStep: 6,
  startHint: 10,
};

function field(raw: Record<string, unknown>, key: string, max: number, fallback: string, path: string): string {
  const v = raw[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string') throw new ProfileError(`${path}${key}`, `must be text, got ${typeof v}`);
  const trimmed = v.trim();
  if ([...trimmed].length > max) throw new ProfileError(`${path}${key}`, `must be at most ${max} characters`);
  return trimmed;
}

function record(v: unknown, path: string): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new ProfileError(path, 'must be an object');
  return v as Record<string, unknown>;
}

/**
 * Checks a parsed profile (e.g. a shop.json) and fills what it leaves out from the generic profile.
 * Unknown keys are refused, so a typo does not silently fall back to a default.
 */
export function parseShopProfile(input: unknown): ShopProfile {
  const raw = record(input, 'profile');
  const known = new Set([...Object.keys(LIMITS), 'brandColor', 'richMenu', 'faq', '$comment']);
  for (const key of Object.keys(raw)) if (!known.has(key)) throw new ProfileError(key, 'is not a profile field');
  const menuRaw = record(raw.richMenu, 'richMenu');
  for (const key of Object.keys(menuRaw)) {
    if (!(key in MENU_LIMITS) && !(MENU_ICON_FIELDS as readonly string[]).includes(key))
      throw new ProfileError(`richMenu.${key}`, 'is not a rich menu field');
  }
  const name = field(raw, 'name', LIMITS.name, GENERIC_PROFILE.name, '');
  if (name === '') throw new ProfileError('name', 'must not be empty');
  const brandColor = field(raw, 'brandColor', 7, GENERIC_PROFILE.brandColor, '');
  if (!/^#[0-9A-Fa-f]{6}$/.test(brandColor)) throw new ProfileError('brandColor', 'must be a colour like #2E4A3B');
  const tagline = field(raw, 'tagline', LIMITS.tagline, GENERIC_PROFILE.tagline, '');
  const menuDefaults: RichMenuWords = { ...GENERIC_PROFILE.richMenu, browseHint: tagline.slice(0, 12) };
  const words = Object.fromEntries(
    (Object.keys(MENU_LIMITS) as Array<keyof typeof MENU_LIMITS>).map((k) => [
      k,
      field(menuRaw, k, MENU_LIMITS[k], menuDefaults[k], 'richMenu.'),
    ]),
  );
  const icons = Object.fromEntries(
    MENU_ICON_FIELDS.map((k) => {
      const v = field(menuRaw, k, 20, menuDefaults[k], 'richMenu.');
      if (!(MENU_ICONS as readonly string[]).includes(v)) {
        throw new ProfileError(`richMenu.${k}`, `must be one of ${MENU_ICONS.join(', ')}`);
      }
      return [k, v];
    }),
  );
  const richMenu = { ...words, ...icons } as unknown as RichMenuWords;
  return {
    name,
    emoji: field(raw, 'emoji', LIMITS.emoji, GENERIC_PROFILE.emoji, ''),
    greeting: field(raw, 'greeting', LIMITS.greeting, GENERIC_PROFILE.greeting, ''),
    tagline,
    about: field(raw, 'about', LIMITS.about, GENERIC_PROFILE.about, ''),
    contact: field(raw, 'contact', LIMITS.contact, GENERIC_PROFILE.contact, ''),
    phone: phoneField(raw),
    email: emailField(raw),
    hours: field(raw, 'hours', LIMITS.hours, '', ''),
    address: field(raw, 'address', LIMITS.address, '', ''),
    returnPolicy: field(raw, 'returnPolicy', LIMITS.returnPolicy, DEFAULT_RETURN_POLICY, '') || DEFAULT_RETURN_POLICY,
    faq: faqField(raw.faq),
    brandColor: brandColor.toUpperCase(),
    richMenu,
  };
}

function phoneField(raw: Record<string, unknown>): string {
  const v = field(raw, 'phone', LIMITS.phone, '', '');
  // Digits with the usual separators; a 撥打電話 button dials it (tel: URI).
  if (v !== '' && !/^\+?[0-9][0-9 ()#-]{5,19}$/.test(v)) {
    throw new ProfileError('phone', 'must be a phone number like 02-2345-6789 or 0912-345-678');
  }
  return v;
}

function emailField(raw: Record<string, unknown>): string {
  const v = field(raw, 'email', LIMITS.email, '', '');
  if (v !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v)) throw new ProfileError('email', 'must be an e-mail address');
  return v;
}

function faqField(v: unknown): FaqEntry[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ProfileError('faq', 'must be a list of {question, keywords, answer}');
  if (v.length > FAQ_MAX_ENTRIES) throw new ProfileError('faq', `must have at most ${FAQ_MAX_ENTRIES} entries`);
  return v.map((item, i) => {
    const path = `faq[${i}].`;
    const entry = record(item, `faq[${i}]`);
    for (const key of Object.keys(entry)) {
      if (!['question', 'keywords', 'answer'].includes(key))
        throw new ProfileError(`${path}${key}`, 'is not a FAQ field');
    }
    const question = field(entry, 'question', 40, '', path);
    const answer = field(entry, 'answer', 1000, '', path);
    if (question === '') throw new ProfileError(`${path}question`, 'must not be empty');
    if (answer === '') throw new ProfileError(`${path}answer`, 'must not be empty');
    const keywords = entry.keywords;
    if (!Array.isArray(keywords) || keywords.length === 0 || keywords.length > 20) {
      throw new ProfileError(`${path}keywords`, 'must be a list of 1 to 20 words');
    }
    return {
      question,
      answer,
      keywords: keywords.map((k, j) => {
        if (typeof k !== 'string' || k.trim() === '' || [...k.trim()].length > 20) {
          throw new ProfileError(`${path}keywords[${j}]`, 'must be a word of 1 to 20 characters');
        }
        return k.trim();
      }),
    };
  });
}

/** Reads a profile file's text (a UTF-8 BOM is allowed, as editors on Windows write one). */
export function parseShopProfileJson(text: string): ShopProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ProfileError('profile', `is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  return parseShopProfile(parsed);
}

/**
 * The shop's name where it is printed outside the chat (receipts, the bank's item name, the payer's
 * result page, the delivery page): fixed, or read on each use so a name saved in the console shows
 * at once.
 */
export type ShopNameSource = string | (() => string);

export function shopNameOf(source: ShopNameSource): string {
  return typeof source === 'function' ? source() : source;
}
