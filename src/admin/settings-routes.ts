/**
 * Settings (owner only): the shop profile (with contact details and the merchant's FAQ entries) and delivery settings, stored in the database and
 * effective at once (ShopSettings is invalidated here; other instances see it within seconds),
 * the rich menu rebuilt from the profile, and console accounts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminRole } from '../db/types';
import { shortUserId } from '../messages/copy';
import { defaultFaq } from '../shop/faq';
import { listRecipients, removeRecipient } from '../shop/merchant-alert-repository';
import { alertSettings, createLinkCode } from '../shop/merchant-alerts';
import { FAQ_MAX_ENTRIES, type FaqEntry, ProfileError, type ShopProfile } from '../shop/profile';
import { writeSetting } from '../shop/settings-repository';
import {
  CVS_CHAINS,
  type DeliverySettings,
  EDITABLE_PROFILE_FIELDS,
  mergeProfile,
  parseDeliverySettings,
  profileOverride,
  SettingsError,
} from '../shop/shop-settings';
import { disableAccount, listAccounts } from './account-repository';
import { AccountError, createAccount } from './account-service';
import type { ConsoleContext } from './context';
import { FAQ_ERRORS, type FaqErrorKey, type FaqForm, faqEntryOf, faqErrorOf, faqFormFrom, faqFormOf } from './faq-form';
import { money, when } from './format';

type Flash = { ok: boolean; text: string } | null;
type Form = Record<string, string | string[] | undefined>;
/** The FAQ form sent back with its error: `new` or the (1-based) number of the entry edited. */
type FaqDraft = { at: 'new' | number; form: FaqForm; error: FaqErrorKey };

const PROFILE_ERRORS: Record<string, string> = {
  name: '店名必填，最多 40 個字',
  emoji: '表情符號最多 8 個字元',
  greeting: '歡迎詞最多 300 個字',
  tagline: '一句話介紹最多 20 個字',
  about: '關於本店最多 500 個字',
  contact: '其他聯絡方式最多 300 個字',
  phone: '電話格式不對，例如 02-2345-6789 或 0912-345-678（最多 20 字）',
  email: 'E-mail 格式不對，例如 shop@example.com',
  hours: '營業時間最多 60 個字',
  address: '地址最多 100 個字',
  returnPolicy: '退換貨說明最多 500 個字',
  brandColor: '品牌色需為 #RRGGBB，例如 #2E4A3B',
};

const DELIVERY_ERRORS: Record<string, string> = {
  homeFee: '運費需為 0 到 100000 的整數，留空表示不提供',
  cvsFee: '運費需為 0 到 100000 的整數，留空表示不提供',
  freeShippingThreshold: '需為 0 到 100000 的整數，留空表示不提供免運',
  cvsChains: '提供超商取貨時，請至少選一家超商',
  pickupAddress: '提供門市自取時，請填寫地址（最多 100 字）',
  pickupHours: '營業時間最多 60 字',
};

const ROLE_ROUTE = { config: { role: 'owner' as const } };

function str(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

function optionalFee(v: string | string[] | undefined): number | null | 'bad' {
  const t = str(v).replace(/,/g, '');
  if (t === '') return null;
  return /^\d{1,6}$/.test(t) ? Number(t) : 'bad';
}

export async function settingsRoutes(app: FastifyInstance, ctx: ConsoleContext): Promise<void> {
  const { db } = ctx.deps;

  async function page(
    req: FastifyRequest,
    reply: FastifyReply,
    flash: Flash,
    errors: Record<string, string> = {},
    forms: { profile?: Form; delivery?: Form; faq?: FaqDraft } = {},
    newPassword: { email: string; password: string } | null = null,
    linkCode: string | null = null,
  ) {
    const { profile, delivery } = await ctx.deps.settings.get();
    const recipients = await listRecipients(db);
    return ctx.render(req, reply, 'settings', {
      title: '設定',
      active: 'settings',
      flash,
      errors,
      profile: forms.profile ?? Object.fromEntries(EDITABLE_PROFILE_FIELDS.map((k) => [k, profile[k]])),
      delivery: forms.delivery ?? deliveryForm(delivery),
      ownFaq: (profile.faq ?? []).map(faqFormFrom),
      autoFaq: defaultFaq(profile, {
        delivery,
        paymentsEnabled: ctx.deps.qpay !== undefined,
        cardPayMinutes: ctx.deps.config.payments.cardPayMinutes,
        atmExpireDays: ctx.deps.config.payments.atmExpireDays,
      }),
      faqDraft: forms.faq ? { ...forms.faq, text: FAQ_ERRORS[forms.faq.error] } : null,
      faqMax: FAQ_MAX_ENTRIES,
      chains: CVS_CHAINS,
      accounts: await listAccounts(db),
      me: ctx.user(req).id,
      newPassword,
      linkCode,
      recipients: recipients.map((r) => ({ ...r, shown: shortUserId(r.line_user_id) })),
      alerts: await alertSettings(db),
      money,
      when,
    });
  }

  app.get('/settings', ROLE_ROUTE, async (req, reply) => page(req, reply, null));

  app.post<{ Body: Form }>('/settings/profile', ROLE_ROUTE, async (req, reply) => {
    const form = req.body ?? {};
    const { profile: current } = await ctx.deps.settings.get();
    // The FAQ entries are kept as they are: this form edits the text fields only.
    const override = {
      ...profileOverride(current),
      ...Object.fromEntries(EDITABLE_PROFILE_FIELDS.map((k) => [k, str(form[k])])),
    };
    try {
      mergeProfile(current, override);
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      const field = err.field in PROFILE_ERRORS ? err.field : 'name';
      return page(req, reply.code(400), null, { [field]: PROFILE_ERRORS[field] as string }, { profile: form });
    }
    await writeSetting(db, 'profile', JSON.stringify(override), ctx.deps.now(), ctx.user(req).email);
    ctx.deps.settings.invalidate();
    const { faq: _kept, ...fields } = override;
    await ctx.audit(req, 'settings_profile', 'profile', JSON.stringify(fields).slice(0, 500));
    return page(req, reply, { ok: true, text: '商店資料已儲存，聊天中立即生效。' });
  });

  /**
   * Stores the profile with `entries` as the merchant's FAQ, checked by the profile's rules; on a
   * refusal the page comes back with the form and the reason beside the field.
   */
  async function saveFaq(
    req: FastifyRequest,
    reply: FastifyReply,
    current: ShopProfile,
    entries: FaqEntry[],
    draft: Omit<FaqDraft, 'error'>,
    audit: { action: string; detail: string },
    done: string,
  ) {
    const override = { ...profileOverride(current), faq: entries };
    try {
      mergeProfile(current, override);
    } catch (err) {
      if (!(err instanceof ProfileError)) throw err;
      return page(req, reply.code(400), null, {}, { faq: { ...draft, error: faqErrorOf(err) } });
    }
    await writeSetting(db, 'profile', JSON.stringify(override), ctx.deps.now(), ctx.user(req).email);
    ctx.deps.settings.invalidate();
    await ctx.audit(req, audit.action, 'faq', audit.detail.slice(0, 500));
    return page(req, reply, { ok: true, text: done });
  }

  app.post<{ Body: Form }>('/settings/faq', ROLE_ROUTE, async (req, reply) => {
    const form = faqFormOf(req.body ?? {});
    const { profile: current } = await ctx.deps.settings.get();
    const own = current.faq ?? [];
    const refuse = (error: FaqErrorKey) => page(req, reply.code(400), null, {}, { faq: { at: 'new', form, error } });
    if (own.length >= FAQ_MAX_ENTRIES) return refuse('count');
    if (own.some((e) => e.question === form.question)) return refuse('duplicate');
    const entries = [...own, faqEntryOf(form)];
    const audit = { action: 'settings_faq_added', detail: form.question };
    return saveFaq(req, reply, current, entries, { at: 'new', form }, audit, '已新增問答，聊天中立即生效。');
  });

  /** An entry by its number on the page; `was` (its question when the page was drawn) guards against a stale tab. */
  async function entryAt(n: string, was: string | string[] | undefined) {
    const { profile: current } = await ctx.deps.settings.get();
    const own = current.faq ?? [];
    const i = /^\d{1,2}$/.test(n) ? Number(n) - 1 : -1;
    const entry = own[i];
    return { current, own, i, found: entry !== undefined && entry.question === str(was) };
  }

  app.post<{ Params: { n: string }; Body: Form }>('/settings/faq/:n', ROLE_ROUTE, async (req, reply) => {
    const form = faqFormOf(req.body ?? {});
    const { current, own, i, found } = await entryAt(req.params.n, req.body?.was);
    if (!found) return page(req, reply.code(409), { ok: false, text: FAQ_ERRORS.stale });
    const at = i + 1;
    if (own.some((e, j) => j !== i && e.question === form.question)) {
      return page(req, reply.code(400), null, {}, { faq: { at, form, error: 'duplicate' } });
    }
    const entries = own.map((e, j) => (j === i ? faqEntryOf(form) : e));
    const audit = { action: 'settings_faq_edited', detail: form.question };
    return saveFaq(req, reply, current, entries, { at, form }, audit, '問答已更新，聊天中立即生效。');
  });

  app.post<{ Params: { n: string }; Body: Form }>('/settings/faq/:n/remove', ROLE_ROUTE, async (req, reply) => {
    const { current, own, i, found } = await entryAt(req.params.n, req.body?.was);
    if (!found) return page(req, reply.code(409), { ok: false, text: FAQ_ERRORS.stale });
    const gone = own[i] as FaqEntry;
    const entries = own.filter((_, j) => j !== i);
    const draft = { at: i + 1, form: faqFormFrom(gone) };
    const audit = { action: 'settings_faq_removed', detail: gone.question };
    return saveFaq(req, reply, current, entries, draft, audit, '已刪除問答。');
  });

  app.post<{ Body: Form }>('/settings/delivery', ROLE_ROUTE, async (req, reply) => {
    const form = req.body ?? {};
    const errors: Record<string, string> = {};
    const fees = Object.fromEntries(
      (['homeFee', 'cvsFee', 'freeShippingThreshold'] as const).map((k) => {
        const v = optionalFee(form[k]);
        if (v === 'bad') errors[k] = DELIVERY_ERRORS[k] as string;
        return [k, v === 'bad' ? null : v];
      }),
    );
    const chains =
      form.cvsChains === undefined ? [] : Array.isArray(form.cvsChains) ? form.cvsChains : [form.cvsChains];
    const address = str(form.pickupAddress);
    const value = {
      ...fees,
      cvsChains: chains,
      pickup: form.pickupOn === 'on' || address !== '' ? { address, hours: str(form.pickupHours) } : null,
    };
    let delivery: DeliverySettings | undefined;
    if (Object.keys(errors).length === 0) {
      try {
        delivery = parseDeliverySettings(value);
      } catch (err) {
        if (!(err instanceof SettingsError)) throw err;
        errors[err.field] = DELIVERY_ERRORS[err.field] ?? err.message;
      }
    }
    if (!delivery) return page(req, reply.code(400), null, errors, { delivery: form });
    await writeSetting(db, 'delivery', JSON.stringify(delivery), ctx.deps.now(), ctx.user(req).email);
    ctx.deps.settings.invalidate();
    await ctx.audit(req, 'settings_delivery', 'delivery', JSON.stringify(delivery));
    return page(req, reply, { ok: true, text: '配送設定已儲存，結帳立即生效。' });
  });

  app.post('/settings/richmenu', ROLE_ROUTE, async (req, reply) => {
    const { profile } = await ctx.deps.settings.get();
    try {
      // Loaded on the first press only: the renderer and LINE's SDK are large, and most shops rebuild
      // their menu a handful of times in their life (idle memory, issue 17).
      const { rebuildAndDeployRichMenus } = require('./richmenu-rebuild') as typeof import('./richmenu-rebuild');
      const report = await rebuildAndDeployRichMenus(ctx.deps.config.line, profile);
      await ctx.audit(req, 'richmenu_deployed', null, report.changed ? 'changed' : 'unchanged');
      const text = report.changed ? '圖文選單已依目前的商店資料重建並部署。' : '圖文選單已是最新，沒有變更。';
      return page(req, reply, { ok: true, text });
    } catch (err) {
      ctx.deps.logger.warn({ err }, 'console: rich menu deploy failed');
      await ctx.audit(req, 'richmenu_failed', null, String((err as Error).message).slice(0, 300));
      return page(req, reply.code(502), { ok: false, text: `圖文選單部署失敗：${(err as Error).message}` });
    }
  });

  app.post('/settings/alerts/code', ROLE_ROUTE, async (req, reply) => {
    const code = await createLinkCode(db, ctx.user(req).email, ctx.deps.now());
    await ctx.audit(req, 'alert_code_created', null, null);
    return page(
      req,
      reply,
      { ok: true, text: '請在 10 分鐘內，用要接收通知的 LINE 帳號在本店聊天室輸入這組數字。' },
      {},
      {},
      null,
      code,
    );
  });

  app.post<{ Params: { user: string } }>('/settings/alerts/recipients/:user/remove', ROLE_ROUTE, async (req, reply) => {
    const user = req.params.user;
    const removed = /^U[0-9a-f]{32}$/.test(user) && (await removeRecipient(db, user));
    if (!removed) return page(req, reply.code(404), { ok: false, text: '找不到這個通知接收者。' });
    await ctx.audit(req, 'alert_recipient_removed', user, null);
    return page(req, reply, { ok: true, text: '已移除通知接收者。' });
  });

  app.post<{ Body: { digestMinutes?: string } }>('/settings/alerts', ROLE_ROUTE, async (req, reply) => {
    const raw = (req.body?.digestMinutes ?? '').trim();
    if (!/^\d{1,4}$/.test(raw) || Number(raw) > 1440) {
      return page(req, reply.code(400), null, { digestMinutes: '請輸入 0 到 1440 的整數（0 表示立即通知）' });
    }
    await writeSetting(
      db,
      'alerts',
      JSON.stringify({ digestMinutes: Number(raw) }),
      ctx.deps.now(),
      ctx.user(req).email,
    );
    await ctx.audit(req, 'settings_alerts', 'alerts', raw);
    return page(req, reply, { ok: true, text: '通知設定已儲存。' });
  });

  app.post<{ Body: { email?: string; role?: string } }>('/settings/accounts', ROLE_ROUTE, async (req, reply) => {
    const role: AdminRole = req.body?.role === 'owner' ? 'owner' : 'staff';
    try {
      const { account, password } = await createAccount(db, req.body?.email ?? '', role, ctx.deps.now());
      await ctx.audit(req, 'account_created', account.email, role);
      return page(
        req,
        reply,
        { ok: true, text: `已建立帳號 ${account.email}。` },
        {},
        {},
        { email: account.email, password },
      );
    } catch (err) {
      if (!(err instanceof AccountError)) throw err;
      return page(req, reply.code(400), null, { account: '請輸入正確且尚未使用的電子郵件' });
    }
  });

  app.post<{ Params: { id: string } }>('/settings/accounts/:id/remove', ROLE_ROUTE, async (req, reply) => {
    const id = Number(req.params.id);
    const target = (await listAccounts(db)).find((a) => a.id === id);
    if (!target || target.disabled_at !== null)
      return page(req, reply.code(404), { ok: false, text: '找不到這個帳號。' });
    if (target.id === ctx.user(req).id) return page(req, reply.code(400), { ok: false, text: '不能停用自己的帳號。' });
    await disableAccount(db, id, ctx.deps.now());
    await ctx.audit(req, 'account_disabled', target.email, null);
    return page(req, reply, { ok: true, text: `已停用 ${target.email}。` });
  });
}

function deliveryForm(d: DeliverySettings): Form {
  const n = (v: number | null) => (v === null ? '' : String(v));
  return {
    homeFee: n(d.homeFee),
    cvsFee: n(d.cvsFee),
    freeShippingThreshold: n(d.freeShippingThreshold),
    cvsChains: d.cvsChains,
    pickupAddress: d.pickup?.address ?? '',
    pickupHours: d.pickup?.hours ?? '',
  };
}
