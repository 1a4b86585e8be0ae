/**
 * Every sentence a customer reads, in Traditional Chinese (zh-TW), in one place so the shop can
 * be reworded or translated without touching logic.
 */
export const copy = {
  greeting: (shop: string) =>
    `歡迎光臨「${shop}」🍵\n我們販售台灣好茶、冷泡茶包與茶具。\n點下方選單或按鈕開始逛逛，也可以直接輸入「商品」、「購物車」。`,
  welcomeBack: (shop: string) => `歡迎回到「${shop}」！購物車內容都還保留著，繼續逛逛吧。`,
  help: (shop: string) =>
    `「${shop}」使用說明：\n・輸入「商品」或點「瀏覽商品」看分類\n・在商品卡片按「加入購物車」\n・輸入「購物車」查看與結帳\n・輸入「訂單」查詢訂單狀態\n付款支援信用卡與 ATM 轉帳（永豐銀行）。`,
  unknownText: '抱歉，我還看不懂這句話 🙏\n請點選下方按鈕，或輸入「商品」、「購物車」、「訂單」、「說明」。',
  unknownAction: '這個按鈕已經失效了，請從下方選單重新開始。',
  noCategories: '目前還沒有上架的商品，請稍後再來看看。',
  chooseCategory: '想看哪一類呢？',
  categoriesAlt: '商品分類',
  categoryEmpty: (name: string) => `「${name}」目前沒有上架的商品。`,
  categoryGone: '這個分類已經不存在了，請重新選擇。',
  productsAlt: (category: string) => `${category}：商品列表`,
  moreProducts: '看更多商品',
  morePage: (page: number) => `第 ${page} 頁`,
  addToCart: '加入購物車',
  soldOutButton: '已售完',
  soldOut: (name: string) => `很抱歉，「${name}」已經售完了。`,
  stockHint: (available: number) => (available <= 0 ? '已售完' : available <= 5 ? `僅剩 ${available} 件` : '現貨供應'),
  productUnavailable: '這個商品已經下架了，看看其他商品吧。',
  added: (name: string, qty: number) => `已將「${name}」加入購物車（共 ${qty} 件）。`,
  limited: (name: string, qty: number) => `「${name}」庫存有限，購物車內已調整為最多可購買的 ${qty} 件。`,
  notInCart: '這個商品已經不在購物車裡了，以下是目前的購物車。',
  limitedInc: (qty: number) => `庫存有限，這項最多只能買 ${qty} 件。`,
  cartFull: '購物車最多放 15 種商品，請先結帳或移除部分商品。',
  cartTitle: '購物車',
  cartEmpty: '購物車是空的，先去逛逛吧！',
  cartEmptied: '已清空購物車。',
  cartAlt: (count: number, total: string) => `購物車：${count} 件，合計 ${total}`,
  cartTotal: '合計',
  cartItems: (n: number) => `共 ${n} 件`,
  unitPrice: (price: string, qty: number) => `${price} × ${qty}`,
  checkout: '前往結帳',
  emptyCart: '清空購物車',
  continueShopping: '繼續購物',
  unavailableLine: '已下架，結帳時將移除',
  shortLine: (available: number) => (available <= 0 ? '已售完，結帳時將移除' : `庫存剩 ${available} 件`),
  checkoutSoon: '結帳功能準備中，請稍候再試。',
  ordersSoon: '目前還沒有訂單。',
  qrBrowse: '瀏覽商品',
  qrCart: '購物車',
  qrOrders: '我的訂單',
  qrHelp: '使用說明',
  notFromGroup: '目前只能在與本店的一對一聊天中購物喔！',
  processingFailed: '抱歉，系統忙碌中，剛剛的操作沒有完成，請再試一次。',
} as const;

/** NT$1,280 — integer TWD with thousands separators. */
export function formatPrice(twd: number): string {
  return `NT$${twd.toLocaleString('en-US')}`;
}
