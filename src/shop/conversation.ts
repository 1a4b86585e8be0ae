/**
 * The shop conversation: one LINE event in, the messages to answer with out. Runs inside the
 * transaction that also marks the event handled, so its changes and its reply commit together.
 * Handlers for other areas (checkout, orders) plug in through `extraPostbacks`.
 */
import type { webhook } from '@line/bot-sdk';
import type { Executor } from '../db/database';
import type { EventContext } from '../line/event-worker';
import { cartMessage, confirmEmptyMessage } from '../messages/cart-messages';
import { categoriesMessage, PRODUCTS_PER_PAGE, productCarousel } from '../messages/catalog-messages';
import { type Message, text, withQuickReplyOnLast } from '../messages/common';
import { copy } from '../messages/copy';
import { decodePostback, type PostbackAction } from '../messages/postback';
import { addToCart, changeItem, emptyCart, viewCart, viewCartVersioned } from './cart-service';
import { getCategory, listActiveProducts, listCategories } from './catalog-repository';
import type { ShopProfile } from './profile';

/** One event as the shop sees it: the transport's context plus who the shop is. */
export interface ConversationContext extends EventContext {
  shopName: string;
  publicBaseUrl: string;
}

export type PostbackHandler = (ctx: ConversationContext, action: PostbackAction) => Promise<Message[]>;

/** Handlers another area provides, keyed by postback action (checkout, orders, pay …). */
export type PostbackHandlers = Partial<Record<PostbackAction['action'], PostbackHandler>>;

const TEXT_COMMANDS: Array<[RegExp, PostbackAction]> = [
  [/^(商品|選單|菜單|目錄|逛逛|瀏覽商品|menu|shop|products?)$/i, { action: 'browse' }],
  [/^(購物車|cart)$/i, { action: 'cart' }],
  [/^(訂單|我的訂單|orders?)$/i, { action: 'orders' }],
  [/^(說明|幫助|客服|使用說明|help|\?|？)$/i, { action: 'help' }],
  [/^(結帳|checkout)$/i, { action: 'checkout' }],
];

export function textToAction(input: string): PostbackAction | undefined {
  const t = input.trim();
  return TEXT_COMMANDS.find(([re]) => re.test(t))?.[1];
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
  /** Asked first about every typed text; an answer replaces the usual one (the merchant's alert binding code). */
  onText?: (trx: Executor, userId: string, typed: string) => Promise<Message[] | undefined>;
}

export function createConversation({
  profile,
  publicBaseUrl,
  handlers: extra = {},
  ownTransaction = new Set(),
  onText,
}: ConversationOptions) {
  const currentProfile = typeof profile === 'function' ? profile : async (_trx: Executor) => profile;
  const handlers: Record<string, PostbackHandler> = {
    ...coreHandlers,
    help: async (ctx) => [text(copy.help(await currentProfile(ctx.trx)), true)],
    ...extra,
  };

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
      case 'message': {
        const m = (event as webhook.MessageEvent).message;
        const typed = m?.type === 'text' ? (m as webhook.TextMessageContent).text : undefined;
        const special = onText && typeof typed === 'string' ? await onText(ctx.trx, ctx.userId, typed) : undefined;
        out = special ?? (await act(ctx, actionOf(event), copy.unknownText));
        break;
      }
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
