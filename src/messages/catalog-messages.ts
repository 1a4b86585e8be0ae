/** Pure builders for browsing: the category list and product carousels. */
import type { messagingApi } from '@line/bot-sdk';
import type { Product } from '../db/types';
import { absoluteUrl, button, type FlexBubble, flex, type Message, text, theme } from './common';
import { copy, formatPrice, talkCopy } from './copy';

/** A carousel holds 12 bubbles; one is kept for "more" when a category has more products. */
export const PRODUCTS_PER_PAGE = 11;
const CATEGORIES_PER_BUBBLE = 6;

export interface CategoryEntry {
  id: number;
  name: string;
  productCount: number;
}

export function categoriesMessage(categories: CategoryEntry[]): Message {
  const shown = categories.filter((c) => c.productCount > 0);
  if (shown.length === 0) return text(copy.noCategories, true);
  const bubbles: FlexBubble[] = [];
  for (let i = 0; i < shown.length && bubbles.length < 12; i += CATEGORIES_PER_BUBBLE) {
    const chunk = shown.slice(i, i + CATEGORIES_PER_BUBBLE);
    bubbles.push({
      type: 'bubble',
      size: 'kilo',
      header: {
        type: 'box',
        layout: 'vertical',
        backgroundColor: theme.brand,
        paddingAll: 'lg',
        contents: [{ type: 'text', text: copy.chooseCategory, color: '#FFFFFF', weight: 'bold', size: 'md' }],
      },
      body: {
        type: 'box',
        layout: 'vertical',
        spacing: 'sm',
        contents: chunk.map((c) =>
          button(
            `${c.name}（${c.productCount}）`.slice(0, 40),
            { action: 'category', categoryId: c.id, page: 1 },
            'secondary',
            c.name,
          ),
        ),
      },
    });
  }
  const contents: messagingApi.FlexContainer =
    bubbles.length === 1 ? (bubbles[0] as FlexBubble) : { type: 'carousel', contents: bubbles };
  return flex(copy.categoriesAlt, contents, true);
}

function productBubble(p: Product, publicBaseUrl: string): FlexBubble {
  const available = p.stock - p.reserved;
  const soldOut = available <= 0;
  const body: messagingApi.FlexComponent[] = [
    { type: 'text', text: p.name, weight: 'bold', size: 'md', wrap: true, maxLines: 2, color: theme.text },
    {
      type: 'box',
      layout: 'baseline',
      spacing: 'sm',
      contents: [
        { type: 'text', text: formatPrice(p.price), weight: 'bold', size: 'lg', color: theme.accent, flex: 0 },
        {
          type: 'text',
          text: copy.stockHint(available),
          size: 'xs',
          color: soldOut ? theme.danger : theme.muted,
          align: 'end',
        },
      ],
    },
  ];
  if (p.description) {
    body.push({ type: 'text', text: p.description, size: 'xs', color: theme.muted, wrap: true, maxLines: 3 });
  }
  const footer: messagingApi.FlexComponent = soldOut
    ? { type: 'text', text: copy.soldOutButton, align: 'center', color: theme.danger, weight: 'bold', size: 'sm' }
    : button(
        copy.addToCart,
        { action: 'add', productId: p.id },
        'primary',
        `${copy.addToCart}：${p.name}`.slice(0, 300),
      );
  return {
    type: 'bubble',
    size: 'kilo',
    hero: {
      type: 'image',
      url: absoluteUrl(p.image_url, publicBaseUrl, '/media/products/placeholder.png'),
      size: 'full',
      aspectRatio: '20:13',
      aspectMode: 'cover',
    },
    body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: body },
    footer: { type: 'box', layout: 'vertical', contents: [footer] },
  };
}

function moreBubble(categoryId: number, nextPage: number): FlexBubble {
  return {
    type: 'bubble',
    size: 'kilo',
    body: {
      type: 'box',
      layout: 'vertical',
      justifyContent: 'center',
      spacing: 'md',
      contents: [
        { type: 'text', text: copy.moreProducts, align: 'center', weight: 'bold', color: theme.brand },
        button(copy.morePage(nextPage), { action: 'category', categoryId, page: nextPage }, 'secondary'),
      ],
    },
  };
}

export function productCarousel(
  category: { id: number; name: string },
  products: Product[],
  page: number,
  hasMore: boolean,
  publicBaseUrl: string,
): Message {
  if (products.length === 0) return text(copy.categoryEmpty(category.name), true);
  const bubbles = products.slice(0, PRODUCTS_PER_PAGE).map((p) => productBubble(p, publicBaseUrl));
  if (hasMore) bubbles.push(moreBubble(category.id, page + 1));
  return flex(copy.productsAlt(category.name), { type: 'carousel', contents: bubbles }, true);
}

/**
 * What typed search found: a line saying so, then the products — one as its own bubble, several as
 * the usual carousel (search results have no "more" page: the customer narrows the words instead).
 */
export function searchResultMessages(
  query: string,
  products: Product[],
  hasMore: boolean,
  publicBaseUrl: string,
): Message[] {
  const shown = products.slice(0, PRODUCTS_PER_PAGE);
  const [only] = shown;
  if (shown.length === 1 && only) {
    return [
      text(talkCopy.foundOne(query)),
      flex(talkCopy.productAlt(only.name, formatPrice(only.price)), productBubble(only, publicBaseUrl), true),
    ];
  }
  return [
    text(talkCopy.found(query, shown.length, hasMore)),
    flex(
      talkCopy.searchAlt(query, shown.length),
      { type: 'carousel', contents: shown.map((p) => productBubble(p, publicBaseUrl)) },
      true,
    ),
  ];
}
