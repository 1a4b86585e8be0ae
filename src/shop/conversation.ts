/**
 * The shop conversation: one LINE event in, the messages to answer with out. Runs inside the
 * transaction that also marks the event handled, so its changes and its reply commit together.
 * Handlers for other areas (checkout, orders) plug in through `extraPostbacks`.
 */
import type { webhook } from '@line/bot-sdk';
import type { Executor } from '../db/database';
import type { EventContext } from '../line/event-worker';
import { cartMessage, confirmEmptyMessage } from '../messages/cart-messages';
import {
  categoriesMessage,
  PRODUCTS_PER_PAGE,
  productCarousel,
  searchResultMessages,
} from '../messages/catalog-messages';
import { type Message, postbackAction, text, withQuickReplyOnLast } from '../messages/common';
import { copy, talkCopy } from '../messages/copy';
import { deliveryCopy } from '../messages/delivery-copy';
import { handoffStartedMessage, helpMessage } from '../messages/help-messages';
import { decodePostback, type PostbackAction } from '../messages/postback';
import { addToCart, changeItem, emptyCart, viewCart, viewCartVersioned } from './cart-service';
import { getCategory, listActiveProducts, listCategories } from './catalog-repository';
import { type FaqSettings, matchFaq, shopFaq } from './faq';
import { endHandoffByCustomer, handoffState, recordUnansweredQuestion, startHandoff } from './people-service';
import { categoryNamed, searchProducts } from './product-search-repository';
import type { ShopProfile } from './profile';
import { folded, foldText, searchTerms } from './search-text';

/** One event as the shop sees it: the transport's context plus who the shop is. */
export interface ConversationContext extends EventContext {
  shopName: string;
  publicBaseUrl: string;
}

export type PostbackHandler = (ctx: ConversationContext, action: PostbackAction) => Promise<Message[]>;

/** Handlers another area provides, keyed by postback action (checkout, orders, pay …). */
export type PostbackHandlers = Partial<Record<PostbackAction['action'], PostbackHandler>>;

/** Typed commands, compared folded (so 购物车 and ＣＡＲＴ work as 購物車 and cart do). */
const TEXT_COMMANDS: Array<[string[], PostbackAction]> = [
  [['商品', '選單', '菜單', '目錄', '逛逛', '瀏覽商品', 'menu', 'shop', 'product', 'products'], { action: 'browse' }],
  [['購物車', 'cart'], { action: 'cart' }],
  [['訂單', '我的訂單', 'order', 'orders'], { action: 'orders' }],
  [['說明', '幫助', '客服', '使用說明', 'help', '?'], { action: 'help' }],
  [['結帳', 'checkout'], { action: 'checkout' }],
  [['刪除我的收件資料', '刪除收件資料'], { action: 'forget' }],
];
const COMMANDS = folded(
  () =>
    new Map<string, PostbackAction>(
      TEXT_COMMANDS.flatMap(([words, action]) => words.map((w): [string, PostbackAction] => [foldText(w), action])),
    ),
);

export function textToAction(input: string): PostbackAction | undefined {
  return COMMANDS().get(foldText(input));
}

/** Folded like search (so 您好/你好, 在嗎/在吗 alike), on first use; compared against folded typed text. */
const fold = (words: string[]) => folded(() => words.map(foldText));
const GREETING_WORDS = fold([
  '你好',
  '您好',
  '哈囉',
  '嗨',
  '嗨嗨',
  'hi',
  'hello',
  'hey',
  '安安',
  '早安',
  '午安',
  '晚安',
  '在嗎',
  '有人在嗎',
  '老闆好',
]);
const GREETINGS = folded(() => new Set(GREETING_WORDS()));
/** Asking for a person. "客服" alone opens help (a command); these start a hand-off. */
const PERSON_WORDS = fold(['真人', '客服人員', '人工客服', '專人', '找老闆', '找店長', '轉人工', '找人工', '活人']);

export function isGreeting(typed: string): boolean {
  return GREETINGS().has(foldText(typed).replace(/[\s!！~～。.,，?？呀啊喔哦唷]+/g, ''));
}

export function asksForPerson(typed: string): boolean {
  const t = foldText(typed);
  return PERSON_WORDS().some((w) => t.includes(w));
}

async function browse(ctx: ConversationContext): Promise<Message[]> {
  return [categoriesMessage(await listCategories(ctx.trx))];
}

async function showCategory(ctx: ConversationContext, categoryId: number, page: number): Promise<Message[]> {
  const category = await getCategory(ctx.trx, categoryId);
  if (!category) return [text(copy.categoryGone), categoriesMessage(await listCategories(ctx.trx))];
  const { products, hasMore } = await listActiveProducts(
    ctx.trx,
    categoryId,
    (page - 1) * PRODUCTS_PER_PAGE,
    PRODUCTS_PER_PAGE,
  );
  if (products.length === 0 && page > 1) return showCategory(ctx, categoryId, 1);
  return [productCarousel(category, products, page, hasMore, ctx.publicBaseUrl)];
}

const coreHandlers: Record<string, PostbackHandler> = {
  browse: (ctx) => browse(ctx),
  category: (ctx, a) => (a.action === 'category' ? showCategory(ctx, a.categoryId, a.page) : Promise.resolve([])),
  cart: async (ctx) => cartMessage(await viewCart(ctx.trx, ctx.userId)),
  empty: async (ctx, a) => {
    if (a.action !== 'empty') return [];
    if (!a.confirm) {
      // Destructive: the first tap only asks, showing what would go.
      const cart = await viewCartVersioned(ctx.trx, ctx.userId);
      if (cart.items.length === 0) return [text(copy.cartAlreadyEmpty, true)];
      return [confirmEmptyMessage(cart, cart.version)];
    }
    switch (await emptyCart(ctx.trx, ctx.userId, ctx.now, a.v ?? '')) {
      case 'emptied':
        return [text(copy.cartEmptied, true)];
      case 'empty':
        return [text(copy.cartAlreadyEmpty, true)];
      case 'stale':
        return cartMessage(await viewCart(ctx.trx, ctx.userId), copy.emptyStale);
    }
  },
  add: async (ctx, a) => {
    if (a.action !== 'add') return [];
    const r = await addToCart(ctx.trx, ctx.userId, a.productId, ctx.now);
    switch (r.kind) {
      case 'added':
        return cartMessage(r.cart, copy.added(r.productName, r.quantity));
      case 'limited':
        return cartMessage(r.cart, copy.limited(r.productName, r.quantity));
      case 'sold_out':
        return [text(copy.soldOut(r.productName), true)];
      case 'cart_full':
        return cartMessage(r.cart, copy.cartFull);
      case 'unavailable':
        return [text(copy.productUnavailable, true)];
    }
  },
  inc: (ctx, a) => changeAndShow(ctx, a),
  dec: (ctx, a) => changeAndShow(ctx, a),
  remove: (ctx, a) => changeAndShow(ctx, a),
  // Until the checkout area plugs in its handlers, these answer honestly instead of silently.
  checkout: async () => [text(copy.checkoutSoon, true)],
  orders: async () => [text(copy.ordersSoon, true)],
  // A rich-menu tab switch: LINE already switched the menu; nothing to say.
  menu: async () => [],
};

async function changeAndShow(ctx: ConversationContext, a: PostbackAction): Promise<Message[]> {
  if (a.action !== 'inc' && a.action !== 'dec' && a.action !== 'remove') return [];
  const r = await changeItem(ctx.trx, ctx.userId, a.productId, a.action, ctx.now);
  if (r.kind === 'not_in_cart') return cartMessage(r.cart, copy.notInCart);
  return cartMessage(r.cart, r.limitedTo !== undefined ? copy.limitedInc(r.limitedTo) : undefined);
}

/** What a postback or a typed command asks for; undefined for other events and unknown input. */
function actionOf(event: webhook.Event): PostbackAction | undefined {
  // The webhook checks these types; the guards keep a stray value from throwing here regardless.
  if (event.type === 'postback') return decodePostback((event as webhook.PostbackEvent).postback?.data);
  if (event.type === 'message') {
    const m = (event as webhook.MessageEvent).message;
    const typed = m?.type === 'text' ? (m as webhook.TextMessageContent).text : undefined;
    return typeof typed === 'string' ? textToAction(typed) : undefined;
  }
  return undefined;
}

/**
 * `ownTransaction`: actions that lock product rows (reserving or releasing stock). The event
 * worker gives such an event a transaction of its own: two transactions that each reserved for
 * several customers would take product locks in no common order and could deadlock on PostgreSQL.
 */
export interface ConversationOptions {
  /** The shop's profile, or where to read the current one (the console's settings win; see shop-settings.ts). */
  profile: ShopProfile | ((trx: Executor) => Promise<ShopProfile>);
  /** Where product pictures are served from (the shop's public origin). */
  publicBaseUrl: string;
  /** Handlers another area provides (checkout, orders …). */
  handlers?: PostbackHandlers;
  /** Actions whose events need a transaction of their own (see below). */
  ownTransaction?: ReadonlySet<string>;
  /**
   * The settings the default FAQ describes (delivery, payment), or where to read the current ones
   * (the console's delivery settings win); default: no payments, no delivery settings.
   */
  faqSettings?: FaqSettings | ((trx: Executor) => Promise<FaqSettings>);
  /** HANDOFF_IDLE_MINUTES in ms (default 60 minutes). */
  handoffIdleMs?: number;
  /** Asked first about every typed text; an answer replaces the usual one (the merchant's alert binding code). */
  onText?: (trx: Executor, userId: string, typed: string) => Promise<Message[] | undefined>;
}

const NO_SETTINGS: FaqSettings = { delivery: undefined, paymentsEnabled: false, cardPayMinutes: 20, atmExpireDays: 3 };

export function createConversation({
  profile,
  publicBaseUrl,
  handlers: extra = {},
  ownTransaction = new Set(),
  faqSettings = NO_SETTINGS,
  handoffIdleMs = 60 * 60_000,
  onText,
}: ConversationOptions) {
  const currentProfile = typeof profile === 'function' ? profile : async (_trx: Executor) => profile;
  const currentFaqSettings = typeof faqSettings === 'function' ? faqSettings : async (_trx: Executor) => faqSettings;
  /** The FAQ as the shop's settings say now (defaults built from them, the merchant's own entries). */
  const currentFaq = async (trx: Executor) => shopFaq(await currentProfile(trx), await currentFaqSettings(trx));
  const handlers: Record<string, PostbackHandler> = {
    ...coreHandlers,
    help: async (ctx) => {
      // Help also offers 刪除我的收件資料 (it asks before deleting anything).
      const m = helpMessage(await currentProfile(ctx.trx), await currentFaq(ctx.trx));
      m.quickReply?.items?.push({
        type: 'action',
        action: postbackAction(deliveryCopy.forgetButton, { action: 'forget' }, deliveryCopy.forgetButton),
      });
      return [m];
    },
    faq: async (ctx, a) => {
      const faq = await currentFaq(ctx.trx);
      const answer = a.action === 'faq' ? faq.find((q) => q.id === a.id) : undefined;
      return answer
        ? [text(answer.answer, true)]
        : [text(talkCopy.faqGone), helpMessage(await currentProfile(ctx.trx), faq)];
    },
    person: async (ctx) => [
      handoffStartedMessage(
        (await currentProfile(ctx.trx)).hours,
        (await startHandoff(ctx.trx, ctx.userId, ctx.now)) === 'already',
      ),
    ],
    bot: async (ctx) => [
      text(
        (await endHandoffByCustomer(ctx.trx, ctx.userId, ctx.now)) ? talkCopy.botBack : talkCopy.botAlreadyBack,
        true,
      ),
    ],
    ...extra,
  };

  /**
   * Typed text, in this order: a command (商品, 購物車, 客服 …) or a greeting → asking for a person →
   * a FAQ keyword → a category's name → a product search → unanswered (counted for the merchant).
   * The message is marked read when the bot answered it; asking for a person and questions nothing
   * answered stay unread, so the merchant's LINE app shows them as needing a person.
   */
  async function answerText(ctx: ConversationContext, typed: string): Promise<Message[]> {
    const command = textToAction(typed);
    if (command) {
      ctx.markAsRead();
      return act(ctx, command, copy.unknownText);
    }
    if (isGreeting(typed)) {
      ctx.markAsRead();
      const shop = await currentProfile(ctx.trx);
      return [text(talkCopy.hello(shop.name, shop.emoji), true)];
    }
    if (asksForPerson(typed)) return act(ctx, { action: 'person' }, copy.unknownText);
    const answer = matchFaq(await currentFaq(ctx.trx), typed);
    if (answer) {
      ctx.markAsRead();
      return [text(answer.answer, true)];
    }
    const category = await categoryNamed(ctx.trx, foldText(typed));
    if (category) {
      ctx.markAsRead();
      return showCategory(ctx, category.id, 1);
    }
    const shown = [...typed.trim().replace(/\s+/g, ' ')].slice(0, 20).join('');
    const terms = searchTerms(typed);
    if (terms.length > 0) {
      const found = await searchProducts(ctx.trx, terms, PRODUCTS_PER_PAGE);
      if (found.products.length > 0) {
        ctx.markAsRead();
        return searchResultMessages(shown, found.products, found.hasMore, ctx.publicBaseUrl);
      }
    }
    await recordUnansweredQuestion(ctx.trx, typed, ctx.now);
    if (terms.length === 0) return [text(copy.unknownText, true)];
    return [text(talkCopy.notFound(shown)), categoriesMessage(await listCategories(ctx.trx))];
  }

  /** A customer's message: left to the person while a hand-off is open, else answered. */
  async function onMessage(ctx: ConversationContext, event: webhook.MessageEvent): Promise<Message[]> {
    const m = event.message;
    const typed = m?.type === 'text' ? (m as webhook.TextMessageContent).text : undefined;
    // The merchant's one-time alert code comes first: it is theirs to type, whatever else is going on.
    const special = onText && typeof typed === 'string' ? await onText(ctx.trx, ctx.userId, typed) : undefined;
    if (special) {
      ctx.markAsRead();
      return special;
    }
    const state = await handoffState(ctx.trx, ctx.userId, ctx.now, handoffIdleMs);
    if (state.kind === 'open') return [];
    const out = typeof typed === 'string' ? await answerText(ctx, typed) : [text(copy.unknownText, true)];
    return state.kind === 'timed_out' ? [text(talkCopy.handoffTimedOut), ...out] : out;
  }

  async function act(
    ctx: ConversationContext,
    action: PostbackAction | undefined,
    unknown: string,
  ): Promise<Message[]> {
    if (!action) return [text(unknown, true)];
    const handler = handlers[action.action];
    if (!handler) return [text(unknown, true)];
    return handler(ctx, action);
  }

  async function handleEvent(ctx: ConversationContext, event: webhook.Event): Promise<Message[]> {
    if (event.source?.type === 'group' || event.source?.type === 'room') {
      return event.type === 'join' ? [text(copy.notFromGroup)] : [];
    }
    let out: Message[];
    switch (event.type) {
      case 'follow': {
        const cart = await viewCart(ctx.trx, ctx.userId);
        const again = (event as webhook.FollowEvent).follow?.isUnblocked === true && cart.items.length > 0;
        const shop = await currentProfile(ctx.trx);
        out = [text(again ? copy.welcomeBack(shop.name) : copy.greeting(shop)), ...(await browse(ctx))];
        break;
      }
      case 'message':
        out = await onMessage(ctx, event as webhook.MessageEvent);
        break;
      case 'postback':
        out = await act(ctx, actionOf(event), copy.unknownAction);
        break;
      default:
        out = [];
    }
    return out.length > 0 ? withQuickReplyOnLast(out.slice(0, 5)) : out;
  }

  return {
    /** The event handler the transport (src/line's event worker) runs for each event. */
    handle: async (ctx: EventContext, event: webhook.Event) =>
      handleEvent({ ...ctx, shopName: (await currentProfile(ctx.trx)).name, publicBaseUrl }, event),
    /** What a customer is told when their event could not be handled after repeated tries. */
    apology: [text(copy.processingFailed, true)],
    needsOwnTransaction: (event: webhook.Event): boolean => {
      const action = actionOf(event);
      return action !== undefined && ownTransaction.has(action.action);
    },
  };
}

export type ConversationHandler = ReturnType<typeof createConversation>;
