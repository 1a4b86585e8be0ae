import type { LatePaymentState } from '../shop/order-lifecycle';

/**
 * Every sentence a customer reads, in Traditional Chinese (zh-TW), in one place so the shop can
 * be reworded or translated without touching logic. Nothing here names a kind of shop: what the
 * shop says about itself comes from its profile (src/shop/profile.ts).
 */

/** The parts of the shop profile that greetings and help read. */
export interface ShopGreeting {
  name: string;
  emoji: string;
  greeting: string;
  about: string;
  contact: string;
}

export const copy = {
  greeting: (p: ShopGreeting) =>
    `歡迎光臨「${p.name}」${p.emoji}\n${p.greeting ? `${p.greeting}\n` : ''}點下方選單或按鈕開始逛逛，也可以直接輸入「商品」、「購物車」。`,
  welcomeBack: (shop: string) => `歡迎回到「${shop}」！購物車內容都還保留著，繼續逛逛吧。`,
  unknownText:
    '抱歉，我還看不懂這句話 🙏\n可以直接輸入商品名稱找商品，或點下方按鈕；需要真人協助，請輸入「找真人客服」。',
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
  confirmEmptyTitle: '清空購物車？',
  confirmEmpty: (count: number, total: string) =>
    `確定要清空購物車嗎？\n目前共 ${count} 件，合計 ${total}，清空後需要重新加入。`,
  confirmEmptyYes: '確定清空',
  keepCart: '保留購物車',
  cartAlreadyEmpty: '購物車已經是空的了。',
  emptyStale: '購物車在您確認之後有變動，所以還沒有清空。以下是目前的購物車，需要的話請再按一次「清空購物車」。',
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

/** Typed search, the shop's answers (help, FAQ, greeting) and hand-offs to a person (issue 16). */
export const talkCopy = {
  hello: (shop: string, emoji: string) =>
    `您好！我是「${shop}」的小幫手${emoji ? ` ${emoji}` : ''}\n我可以幫您：\n・找商品：直接輸入名稱，例如「烏龍」\n・看購物車、結帳、查訂單\n・回答運費、付款、退貨等問題\n需要真人服務時，請輸入「找真人客服」。`,
  found: (query: string, n: number, more: boolean) =>
    more
      ? `「${query}」相關的商品很多，先列出最相關的 ${n} 件；輸入更完整的名稱可以縮小範圍。`
      : `找到 ${n} 件「${query}」相關的商品：`,
  foundOne: (query: string) => `找到「${query}」：`,
  searchAlt: (query: string, n: number) => `「${query}」的搜尋結果：${n} 件商品`,
  productAlt: (name: string, price: string) => `${name} ${price}`,
  notFound: (query: string) => `找不到「${query}」相關的商品 🙏\n看看我們的分類，或輸入「找真人客服」詢問店家。`,
  helpTitle: '客服中心',
  helpAlt: (shop: string) => `${shop} 客服中心：聯絡方式與常見問題`,
  contactHeading: '聯絡我們',
  faqHeading: '常見問題',
  tipsHeading: '購物小提示',
  tips: '・直接輸入商品名稱就能搜尋\n・輸入「購物車」、「訂單」查看\n・付款支援信用卡與 ATM 轉帳',
  phoneLabel: '電話',
  emailLabel: 'E-mail',
  hoursLabel: '客服時間',
  addressLabel: '地址',
  callButton: '撥打電話',
  personButton: '找真人客服',
  faqGone: '這個問題的回答已經更新，請重新打開「客服」看看。',
  handoffStarted: (hours: string) =>
    `好的，已經通知店家，將由真人客服在這個聊天室回覆您 🙋\n${
      hours ? `客服時間：${hours}，非客服時間的訊息會在下個客服時間回覆。` : '店家會盡快回覆您。'
    }\n真人回覆前，小幫手會先暫停回覆您輸入的文字；下方的按鈕仍然可以使用。`,
  handoffAlready: '已經通知店家了，請稍候，真人客服會在這個聊天室回覆您。',
  backToBot: '回到小幫手',
  botBack: '好的，小幫手回來為您服務了！直接輸入商品名稱就能找商品，或點下方按鈕。',
  botAlreadyBack: '小幫手正在為您服務，直接輸入商品名稱就能找商品。',
  handoffTimedOut: '真人客服時段已結束，接下來由小幫手為您服務。',
} as const;

/** NT$1,280 — integer TWD with thousands separators. */
/** Whole TWD with thousands separators: NT$1,280 (prices are integers; Intl was in the cart reply's profile). */
export function formatPrice(twd: number): string {
  const digits = String(Math.abs(Math.trunc(twd)));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let i = grouped.length; i < digits.length; i += 3) grouped += `,${digits.slice(i, i + 3)}`;
  return `NT$${twd < 0 ? '-' : ''}${grouped}`;
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

/** `6/12（四）14:35` in Taiwan time (UTC+8), how a customer reads a deadline. */
export function formatTaiwanTime(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3_600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}（${WEEKDAYS[d.getUTCDay()]}）${hh}:${mm}`;
}

/** `2025/6/12 14:35` in Taiwan time, for receipts. */
export function formatTaiwanDateTime(epochMs: number): string {
  const d = new Date(epochMs + 8 * 3_600_000);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}/${d.getUTCMonth() + 1}/${d.getUTCDate()} ${hh}:${mm}`;
}

/** A 14-digit virtual account in groups of four, easy to read aloud and to check. */
export function formatAccount(no: string): string {
  return no.replace(/(\d{4})(?=\d)/g, '$1 ');
}

const LATE_WAS: Record<string, string> = { cancelled: '已取消', expired: '已逾期', failed: '未成立' };

/** Checkout, payment, orders and receipts. */
export const orderCopy = {
  choosePayTitle: '選擇付款方式',
  choosePayAlt: (total: string) => `結帳：合計 ${total}，請選擇付款方式`,
  payCard: '💳 信用卡',
  payAtm: '🏧 ATM 轉帳',
  payCardText: '信用卡付款',
  payAtmText: 'ATM 轉帳付款',
  payCardHint: '立即刷卡，付款完成馬上出貨',
  payAtmHint: (days: number) => `取得專屬轉帳帳號，${days} 天內轉帳即可`,
  checkoutTotal: '應付金額',
  choiceStale:
    '購物車的內容或價格在這個付款選項送出後有變動，所以還沒有建立訂單、也沒有保留商品。\n請確認下方最新的明細與金額，再選擇一次付款方式。',
  cartChanged: (lines: string[]) => `結帳前庫存有變動，購物車已調整：\n${lines.join('\n')}\n請確認購物車後再結帳一次。`,
  changedLine: (name: string, from: number, to: number) =>
    to === 0 ? `・「${name}」已售完，已從購物車移除` : `・「${name}」只剩 ${to} 件（原本 ${from} 件）`,
  cartEmptyAtCheckout: '購物車是空的，沒有可以結帳的商品。若剛剛已經下單，可以在「我的訂單」查看。',
  paymentsUnavailable: '目前暫停線上付款，請稍後再試。',
  orderCreatedTitle: '訂單已成立',
  orderNo: (no: string) => `訂單編號 ${no}`,
  orderNoLabel: '訂單編號',
  payBy: (deadline: string) => `請於 ${deadline} 前完成付款`,
  deadlineLabel: '付款期限',
  deadlineNote: '逾期未付款，訂單會自動取消並釋出商品。',
  payButton: (total: string) => `💳 前往付款 ${total}`,
  payLinkAlt: (no: string, total: string, deadline: string) =>
    `訂單 ${no} 已成立，合計 ${total}。請於 ${deadline} 前點連結完成信用卡付款。`,
  newPayLinkTitle: '新的付款連結',
  newPayLinkAlt: (no: string, total: string, deadline: string) =>
    `訂單 ${no} 的新付款連結，合計 ${total}。請於 ${deadline} 前點連結完成信用卡付款。`,
  atmTitle: 'ATM 轉帳資訊',
  atmBank: '銀行代碼',
  atmBankName: '807 永豐銀行',
  atmAccount: '轉帳帳號',
  atmAmount: '轉帳金額',
  atmDeadline: '轉帳期限',
  atmNote: '此帳號僅供本訂單使用，請轉入「完全相同」的金額。入帳後會自動通知您。',
  atmCopyHint: (no: string) => `轉帳帳號（長按即可複製）：\n${no}`,
  atmWebAtm: '使用網路 ATM 轉帳',
  atmAlt: (no: string, total: string, account: string, deadline: string) =>
    `訂單 ${no}：請轉帳 ${total} 至 807 永豐銀行 ${account}，期限 ${deadline}。`,
  viewOrder: '查看訂單',
  cancelOrder: '取消訂單',
  retryPay: '重新付款',
  rebuy: '再買一次',
  continueShopping: '繼續購物',
  myOrders: '我的訂單',
  bankRefused: (no: string, reason: string) =>
    `抱歉，訂單 ${no} 沒有建立成功：銀行目前無法受理（${reason}）。\n商品已放回購物車，請稍後再結帳一次，或改用其他付款方式。`,
  bankRefusedReasonUnknown: '付款服務暫時無法使用',
  payFailedTitle: '付款沒有成功',
  payFailed: (no: string, reason: string, deadline: string) =>
    `訂單 ${no} 的付款沒有成功${reason ? `（${reason}）` : ''}。\n訂單仍為您保留到 ${deadline}，可以重新付款，或取消訂單。`,
  payFailedAlt: (no: string) => `訂單 ${no} 付款沒有成功，可以重新付款或取消訂單。`,
  preparingNewLink: '正在準備新的付款連結，請稍候…',
  retryFailed: (no: string) => `抱歉，訂單 ${no} 暫時無法產生新的付款連結，請稍後再按一次「重新付款」。`,
  orderNotFound: '找不到這筆訂單，請從「我的訂單」重新查看。',
  orderPending: (no: string) => `訂單 ${no} 正在向銀行建立付款，請稍候幾秒再試。`,
  alreadyPaid: (no: string) => `訂單 ${no} 已經付款完成，不需要再付款囉！`,
  notPayable: (no: string, status: string) => `訂單 ${no} 目前「${status}」，無法付款。需要的話可以「再買一次」。`,
  linkStillValid: (no: string) => `訂單 ${no} 的付款連結還有效，點下方按鈕即可付款。`,
  cancelled: (no: string) => `已取消訂單 ${no}，商品已釋出。歡迎再來逛逛！`,
  cancelledByShop: (no: string) =>
    `本店已取消訂單 ${no}。這筆訂單尚未付款，不會收取任何費用，付款連結請不要再使用。如有疑問，直接在這裡留言給我們。`,
  cannotCancel: (no: string, status: string) => `訂單 ${no} 目前「${status}」，無法取消。`,
  confirmCancelTitle: '取消訂單？',
  confirmCancel: (no: string, total: string) =>
    `確定取消訂單 ${no}（${total}）嗎？\n取消後，為您保留的商品會釋出給其他顧客，這筆訂單的付款連結請不要再使用。`,
  confirmCancelAlt: (no: string) => `確定取消訂單 ${no}？`,
  confirmCancelYes: '確定取消',
  keepOrder: '保留訂單',
  cancelledNotice: '訂單已取消',
  expiredTitle: '訂單已逾期',
  expired: (no: string) =>
    `訂單 ${no} 已超過付款期限，系統已自動取消並釋出商品。想要的話，按「再買一次」就能把商品放回購物車。`,
  expiredAlt: (no: string) => `訂單 ${no} 已逾期未付款，已自動取消。`,
  rebuyDone: (n: number) => `已把 ${n} 項商品放回購物車，請確認後結帳。`,
  rebuyPartial: (lines: string[]) => `已放回購物車，但部分商品庫存不足：\n${lines.join('\n')}`,
  rebuyNone: '很抱歉，這筆訂單的商品目前都沒有庫存了。',
  ordersTitle: '我的訂單',
  ordersNone: '目前還沒有訂單，去逛逛吧！',
  ordersAlt: (n: number) => `最近 ${n} 筆訂單`,
  ordersTapHint: '點訂單查看明細',
  status: {
    pending: '建立中',
    awaiting_payment: '待付款',
    paid: '已付款',
    failed: '未成立',
    expired: '已逾期',
    cancelled: '已取消',
    refunded: '已退款',
  } as Record<string, string>,
  statusLabel: '狀態',
  orderTitle: (no: string) => `訂單 ${no}`,
  orderAlt: (no: string, status: string, total: string) => `訂單 ${no}：${status}，合計 ${total}`,
  orderDate: '下單時間',
  payMethod: '付款方式',
  methodCard: '信用卡',
  methodAtm: 'ATM 轉帳',
  cardLast4: (last4: string) => `信用卡（末四碼 ${last4}）`,
  receiptTitle: '付款完成',
  receiptThanks: '感謝您的購買！我們會盡快為您出貨。',
  receiptAlt: (shop: string, no: string, total: string) => `${shop}：訂單 ${no} 已付款 ${total}，感謝您的購買！`,
  paidAt: '付款時間',
  refundedAmount: '已退款',
  // A payment after the order was closed (see src/shop/order-lifecycle.ts). One sentence per state,
  // used alike by the chat notice, the result page and `npm run orders -- show`.
  lateTitle: (s: LatePaymentState) =>
    s.outcome === 'reinstated'
      ? '已收到付款，訂單恢復'
      : s.outcome === 'refund_needed'
        ? s.route === 'bank_void'
          ? '訂單無法恢復，將撤銷授權'
          : '訂單無法恢復，將為您退款'
        : s.route === 'bank_void'
          ? '訂單無法恢復，授權已撤銷'
          : '訂單無法恢復，已為您退款',
  late: (s: LatePaymentState, no: string, total: string) => {
    const was = LATE_WAS[s.was] ?? s.was;
    if (s.outcome === 'reinstated') return `您${was}的訂單 ${no} 已收到付款，訂單恢復並將出貨。`;
    const head = `我們收到了訂單 ${no} 的付款 ${total}，但這筆訂單在付款前已經${was.replace(/^已/, '')}，商品也已經售完，訂單無法恢復。`;
    if (s.outcome === 'refund_needed') {
      return `${head}${
        s.route === 'bank_refund'
          ? `${total} 將全額退回您的信用卡，完成後會再通知您。`
          : s.route === 'bank_void'
            ? `這筆信用卡授權 ${total} 將會撤銷，不會向您請款。`
            : `店家會盡快與您聯繫，將 ${total} 全額退還給您。`
      }造成不便，非常抱歉。`;
    }
    return `${head}${
      s.route === 'bank_void'
        ? `信用卡授權 ${total} 已撤銷，不會向您請款。`
        : `已將 ${total} 全額退款，入帳時間依發卡銀行作業而定。`
    }造成不便，非常抱歉。`;
  },
  lateCartAdjusted: (lines: string[]) =>
    `為避免重複購買，已從購物車拿掉這筆訂單的商品：\n${lines.join('\n')}\n如果還想再買，重新加入購物車即可。`,
  lateCartLine: (name: string, from: number, to: number) =>
    to === 0 ? `・「${name}」${from} 件` : `・「${name}」${from} 件 → ${to} 件`,
  lateOtherOrder: (no: string) => `您另有一筆待付款的訂單 ${no} 含有相同商品，如果不需要了，可以把它取消。`,
  receiptSent: '收據已傳到 LINE 聊天室。',
  refundNotice: (no: string, amount: string, kind: 'full' | 'rest' | 'partial') =>
    `${
      kind === 'full'
        ? `訂單 ${no} 已全額退款 ${amount}`
        : kind === 'rest'
          ? `訂單 ${no} 已退還剩餘款項 ${amount}，全額退款完成`
          : `訂單 ${no} 已部分退款 ${amount}`
    }，款項將依發卡銀行作業時間退回。`,
  authorizationVoided: (no: string, amount: string) =>
    `訂單 ${no} 已由店家取消，信用卡授權 ${amount} 已撤銷，這筆款項不會向您請款。若帳單上暫時看到這筆授權，將依發卡銀行作業時間自動消失。`,
  // Result pages (browser, after the bank's card page).
  pageTitle: (shop: string) => `${shop}｜付款結果`,
  pagePaid: '付款成功',
  pagePaidBody: (no: string, total: string) => `訂單 ${no} 已完成付款，金額 ${total}。收據已傳到 LINE 聊天室。`,
  pageFailed: '付款沒有成功',
  pageFailedBody: '這次付款沒有完成，您的訂單仍然保留。請回到 LINE，在訂單訊息按「重新付款」，或改用其他信用卡。',
  pageProcessing: '付款確認中…',
  pageProcessingBody: '銀行正在確認這筆付款，本頁會自動更新。您也可以先回到 LINE，付款完成後會收到收據。',
  pageUnknown: '查無這筆付款',
  pageUnknownBody: '找不到這筆付款資料。若已完成付款，請回到 LINE 查看「我的訂單」。',
  pageBackToLine: '回到 LINE',
} as const;

/**
 * A LINE user ID as staff see it (`U1234…cdef`): enough to tell customers apart and find them in
 * LINE's chat list, without the whole identifier on every page.
 */
export function shortUserId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 5)}…${id.slice(-4)}` : id;
}
