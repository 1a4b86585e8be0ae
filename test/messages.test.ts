/** Message builders at their extremes stay inside LINE's limits (checked by the simulator's validator). */
import type { Product } from '../src/db/types';
import { cartMessage } from '../src/messages/cart-messages';
import { categoriesMessage, PRODUCTS_PER_PAGE, productCarousel } from '../src/messages/catalog-messages';
import { formatPrice } from '../src/messages/copy';
import { decodePostback, encodePostback, type PostbackAction } from '../src/messages/postback';
import { validateMessages } from '../src/sandbox/line';
import type { CartItem } from '../src/shop/cart-repository';
import { MAX_CART_ITEMS, summarize } from '../src/shop/cart-service';

const longName = '特級手採阿里山高山烏龍茶冬片限量款附贈精美禮盒與提袋組合四十字'.padEnd(40, '茶');

function product(i: number): Product {
  return {
    id: 100_000 + i,
    sku: `SKU-${i}`,
    category_id: 1,
    name: longName,
    description: '說明'.repeat(250),
    image_url: `https://cdn.example.com/images/${'x'.repeat(200)}/${i}.png`,
    price: 99_999,
    stock: i % 3,
    reserved: 0,
    active: 1,
    low_stock_threshold: null,
    created_at: 0,
    updated_at: 0,
  };
}

describe('message builders', () => {
  it('keeps a full page of long products inside the carousel limits', () => {
    const products = Array.from({ length: PRODUCTS_PER_PAGE }, (_, i) => product(i));
    const m = productCarousel({ id: 1, name: '茶葉' }, products, 999, true, 'https://shop.example.com');
    expect(validateMessages([m])).toEqual([]);
    expect(JSON.stringify(m).length).toBeLessThan(50_000);
  });

  it('keeps the largest cart inside one bubble', () => {
    const lines: CartItem[] = Array.from({ length: MAX_CART_ITEMS }, (_, i) => ({
      productId: 900_000 + i,
      sku: `S${i}`,
      name: longName,
      imageUrl: null,
      unitPrice: 99_999,
      quantity: 99,
      available: i % 2 === 0 ? 0 : 1,
      active: i % 5 !== 0,
    }));
    const messages = cartMessage(summarize(lines), '庫存有限，購物車已調整。');
    expect(validateMessages(messages)).toEqual([]);
    expect(Buffer.byteLength(JSON.stringify(messages[1]))).toBeLessThan(30_000);
  });

  it('lists many categories across bubbles without exceeding 12', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({
      id: i + 1,
      name: `分類名稱很長的第${i}類`.padEnd(20, '類'),
      productCount: 3,
    }));
    const m = categoriesMessage(many);
    expect(validateMessages([m])).toEqual([]);
  });

  it('formats integer TWD with thousands separators', () => {
    expect(formatPrice(1280)).toBe('NT$1,280');
    expect(formatPrice(50)).toBe('NT$50');
    expect(formatPrice(0)).toBe('NT$0');
    expect(formatPrice(100_000)).toBe('NT$100,000');
    expect(formatPrice(1_234_567)).toBe('NT$1,234,567');
  });

  it('round-trips every postback action and refuses junk', () => {
    const actions: PostbackAction[] = [
      { action: 'browse' },
      { action: 'category', categoryId: 3, page: 2 },
      { action: 'add', productId: 7 },
      { action: 'inc', productId: 7 },
      { action: 'dec', productId: 7 },
      { action: 'remove', productId: 7 },
      { action: 'cart' },
      { action: 'empty' },
      { action: 'checkout' },
      { action: 'checkout', payType: 'A' },
      { action: 'checkout', payType: 'C', v: 'Ab3_-xYz9Q' },
      { action: 'empty', confirm: true, v: 'Ab3_-xYz9Q' },
      { action: 'cancel', orderNo: 'LS1', confirm: true },
      { action: 'orders' },
      { action: 'order', orderNo: 'LS20261125000001' },
      { action: 'pay', orderNo: 'LS1' },
      { action: 'cancel', orderNo: 'LS1' },
      { action: 'rebuy', orderNo: 'LS1' },
      { action: 'help' },
      { action: 'menu', tab: 'main' },
    ];
    for (const a of actions) {
      const data = encodePostback(a);
      expect(data.length).toBeLessThanOrEqual(300);
      expect(decodePostback(data)).toEqual(a);
    }
    for (const junk of [
      '',
      'action=add',
      'action=add&productId=-1',
      'action=add&productId=1e3',
      'action=checkout&payType=X',
      'action=checkout&payType=C&v=a%20b',
      'action=empty&confirm=1&v=%27',
      "action=pay&orderNo=x'--",
      'x'.repeat(301),
    ]) {
      expect(decodePostback(junk)).toBeUndefined();
    }
    // Not a string: never read as a query string (URLSearchParams would take an object's keys as
    // parameters and throw on `[1]`).
    for (const notText of [{ action: 'cart' }, [1], [['action', 'cart']], 42, null, undefined]) {
      expect(decodePostback(notText)).toBeUndefined();
    }
  });
});
