/**
 * Longer than 400 lines because every table of both databases is declared here, in one place, as
 * kysely's DB type needs them together.
 *
 * Table types for kysely. Times are milliseconds since the epoch (UTC) in integer columns;
 * money is integer TWD; flags are 0/1 integers so both databases agree.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface CategoryTable {
  id: Generated<number>;
  name: string;
  sort_order: number;
}

export interface ProductTable {
  id: Generated<number>;
  sku: string;
  category_id: number;
  name: string;
  description: string;
  image_url: string | null;
  /** Integer TWD. */
  price: number;
  stock: number;
  reserved: ColumnType<number, number | undefined, number>;
  active: ColumnType<number, number | undefined, number>;
  /** Alert the merchant when stock − reserved falls to this (null: never). */
  low_stock_threshold: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export type CartStatus = 'open' | 'locked' | 'ordered';

export interface CartTable {
  id: Generated<number>;
  line_user_id: string;
  status: CartStatus;
  created_at: number;
  updated_at: number;
}

export interface CartItemTable {
  cart_id: number;
  product_id: number;
  quantity: number;
  added_at: number;
}

export type LineEventStatus = 'pending' | 'done' | 'ignored' | 'failed';

/** The inbox: every webhook event, stored before it is acknowledged. */
export interface LineEventTable {
  webhook_event_id: string;
  /** The chat the event belongs to: a userId (U…), or a groupId (C…) / roomId (R…). */
  chat_id: string;
  event_type: string;
  event_timestamp: number;
  payload: string;
  status: LineEventStatus;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  received_at: number;
  processed_at: number | null;
  /** Why an `ignored` event was not acted on (e.g. `/postback/data must be string`). */
  ignored_reason: string | null;
}

/** One lease per chat, so events of one user are handled by one worker at a time, in order. */
export interface ChatLeaseTable {
  chat_id: string;
  owner: string;
  locked_until: number;
}

export type OutboxStatus = 'pending' | 'sent' | 'dead';

/**
 * Every message the shop sends is first a row here, written in the transaction that caused it.
 * `reply_token` is tried first while fresh; otherwise (or when LINE refuses it) it is pushed
 * with `retry_key` as X-Line-Retry-Key.
 */
export interface OutboxTable {
  id: Generated<number>;
  line_user_id: string;
  messages: string;
  reply_token: string | null;
  /** Replies are only attempted before this time; afterwards the row is pushed. */
  reply_until: number | null;
  retry_key: string;
  kind: string;
  status: OutboxStatus;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: number;
  locked_until: number | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** `reply`, `push`, or `unconfirmed`: a conversational reply that may have arrived and was not re-sent. */
  sent_by: string | null;
  /** 1 when an earlier reply attempt may have reached LINE (outcome unknown). */
  in_doubt: ColumnType<number, number | undefined, number>;
  /**
   * Set while the push is held back (the month's push budget nearly spent, or LINE's monthly
   * limit reached): the row waits to ride on the customer's next reply. See src/line/push-gate.ts.
   */
  held_at: ColumnType<number | null, number | null | undefined, number | null>;
  held_reason: ColumnType<HeldReason | null, HeldReason | null | undefined, HeldReason | null>;
  /** The reply row this held message rides on while that reply is in flight (cleared when it settles). */
  carried_by: ColumnType<number | null, number | null | undefined, number | null>;
  /** 1 on a reply that held messages ride on (see carried_by). */
  has_riders: ColumnType<number, number | undefined, number>;
}

/** Why a push was held: the shop's own budget, or LINE's "You have reached your monthly limit." */
export type HeldReason = 'budget' | 'monthly_limit';

/** Pushes LINE accepted, per Taiwan calendar month (`2026-11`) and outbox kind. */
export interface PushCountTable {
  month: string;
  kind: string;
  pushes: number;
}

/** LINE's own quota figures, one row (id 1), refreshed by a leased job (src/jobs/line-quota-refresher.ts). */
export interface LineQuotaTable {
  id: number;
  status: 'active';
  /** `limited`: LINE has a monthly target (`quota_value`); `none`: no limit set. Null until first read. */
  quota_type: 'none' | 'limited' | null;
  quota_value: number | null;
  /** Messages sent this month according to LINE (totalUsage). */
  total_usage: number | null;
  /** The Taiwan month the figures were read in. */
  month: string | null;
  fetched_at: number | null;
  last_error: string | null;
  next_fetch_at: number;
  locked_until: number | null;
}

export type PushWarningLevel = 'nearly_spent' | 'monthly_limit';

/** The merchant was warned (once per month and level). */
export interface PushBudgetWarningTable {
  month: string;
  level: PushWarningLevel;
  used: number;
  budget: number | null;
  at: number;
}

export type OrderStatus = 'pending' | 'awaiting_payment' | 'paid' | 'failed' | 'expired' | 'cancelled' | 'refunded';
export type PayType = 'C' | 'A';
/** 宅配 (home delivery), 超商取貨 (convenience-store pickup through ECPay), 門市自取 (the merchant's own pickup address). */
export type DeliveryMethod = 'home' | 'cvs' | 'pickup';
/**
 * Where a paid order's goods are (null before payment): 待出貨 → 已出貨 → 配送中 / 已到店 (or ready
 * for self-pickup) → 已完成, or 退回 (a store parcel not collected).
 */
export type Fulfilment = 'to_ship' | 'shipped' | 'in_transit' | 'at_store' | 'completed' | 'returned';

/** An order: the customer-facing record. `order_no` is also the first bank OrderNo. */
export interface OrderTable {
  id: Generated<number>;
  order_no: string;
  line_user_id: string;
  cart_id: number | null;
  status: OrderStatus;
  pay_type: PayType;
  /** Integer TWD. */
  total: number;
  refunded_amount: ColumnType<number, number | undefined, number>;
  /** Payment deadline (awaiting_payment); stock is held until then. */
  expires_at: number | null;
  paid_at: number | null;
  closed_at: number | null;
  failure_reason: string | null;
  /** Set when the merchant must look (paid after expiry, amount mismatch, refund needed …). */
  attention: string | null;
  /** The checkout event's reply token: the pay link is sent with it while it is fresh. */
  reply_token: string | null;
  reply_until: number | null;
  /** When reconciliation should next ask the bank about this order. */
  next_check_at: number | null;
  /** Lease of the sweeper / reconciler working on this order. */
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  /** null for orders placed before the delivery step existed. */
  delivery_method: ColumnType<DeliveryMethod | null, DeliveryMethod | null | undefined, DeliveryMethod | null>;
  /** Integer TWD, included in `total` (subtotal = total − shipping_fee). */
  shipping_fee: ColumnType<number, number | undefined, number>;
  fulfilment: ColumnType<Fulfilment | null, Fulfilment | null | undefined, Fulfilment | null>;
  /** When `fulfilment` last changed (auto-complete and reminders count from it). */
  fulfilment_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Where an order goes: the recipient (and address or store) as the customer confirmed them. */
export interface OrderDeliveryTable {
  order_id: number;
  method: DeliveryMethod;
  recipient_name: string;
  /** Normalized mobile number, `09xxxxxxxx`. */
  recipient_phone: string;
  postal_code: string | null;
  city: string | null;
  district: string | null;
  /** Street address (home delivery) — without city and district. */
  address: string | null;
  /** ECPay LogisticsSubType (UNIMARTC2C, FAMIC2C …) for store pickup. */
  cvs_sub_type: string | null;
  store_id: string | null;
  store_name: string | null;
  store_address: string | null;
  /** Set when name, phone and address were wiped after RECIPIENT_RETENTION_DAYS. */
  anonymized_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Recipient fields shared by delivery drafts and saved recipients (all optional while typing). */
export interface RecipientColumns {
  method: DeliveryMethod | null;
  recipient_name: string | null;
  /** Normalized mobile number, `09xxxxxxxx`. */
  recipient_phone: string | null;
  postal_code: string | null;
  city: string | null;
  district: string | null;
  address: string | null;
  cvs_sub_type: string | null;
  store_id: string | null;
  store_name: string | null;
  store_address: string | null;
}

/** One checkout's delivery step (migration 0010): what the page holds, the map session, the confirmation. */
export interface DeliveryDraftTable extends RecipientColumns {
  /** The checkout id named by the signed page link. */
  id: string;
  line_user_id: string;
  /** When the page link expires (a map reply re-opens the page with the same link). */
  link_expires_at: number;
  /** The MerchantTradeNo of the store-map session the shop issued, and its chain. */
  map_trade_no: string | null;
  map_sub_type: string | null;
  /** Hash of the confirmed delivery (null until 確認); the pay button carries it. */
  confirmed_hash: string | null;
  confirmed_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A recipient a customer confirmed before, offered at the next checkout. */
export interface SavedRecipientTable extends RecipientColumns {
  id: Generated<number>;
  line_user_id: string;
  fingerprint: string;
  last_used_at: number;
  created_at: number;
}

/** The order's timeline: every lifecycle move and who or what caused it. */
export interface OrderEventTable {
  id: Generated<number>;
  order_id: number;
  /** An OrderEvent or FulfilmentEvent name of the lifecycle module (or another recorded happening). */
  event: string;
  /** `customer`, `bank`, `ecpay`, `timer`, `system`, or `merchant:<who>`. */
  actor: string;
  detail: string | null;
  at: number;
}

export interface OrderItemTable {
  order_id: number;
  product_id: number;
  name: string;
  unit_price: number;
  quantity: number;
}

export type PaymentStatus = 'requested' | 'created' | 'refused' | 'failed' | 'paid' | 'abandoned';

/** One bank order (OrderCreate) for an order. */
export interface PaymentTable {
  id: Generated<number>;
  order_id: number;
  bank_order_no: string;
  attempt: number;
  pay_type: PayType;
  amount: number;
  status: PaymentStatus;
  ts_no: string | null;
  pay_url: string | null;
  atm_pay_no: string | null;
  expires_at: number | null;
  pay_token: string | null;
  paid_at: number | null;
  card_last4: string | null;
  bank_description: string | null;
  /** OrderCreate calls started for this row: > 0 means the bank may already have it. */
  bank_calls: ColumnType<number, number | undefined, number>;
  locked_until: number | null;
  raw: string | null;
  /** 1: created with AutoBilling Y; 0: authorize only (capture with OrderMaintain P); null: unknown (before 0004). */
  auto_capture: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the card payment was captured (= paid_at when auto-captured); null: not (yet) captured. */
  captured_at: ColumnType<number | null, number | null | undefined, number | null>;
  /** When the merchant cancelled the card authorization (OrderMaintain C); the order is cancelled then. */
  voided_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

export type NotificationStatus = 'received' | 'paid' | 'failed' | 'rejected' | 'late';

export interface BankNotificationTable {
  pay_token: string;
  source: 'notify' | 'return' | 'reconcile';
  status: NotificationStatus;
  order_no: string | null;
  detail: string | null;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: number;
  locked_until: number | null;
  received_at: number;
  processed_at: number | null;
  /** The sender's address (issue 11: per-source limits and fair scheduling); NULL when unknown. */
  source_ip: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface RefundTable {
  id: Generated<number>;
  order_id: number;
  amount: number;
  bank_description: string | null;
  created_at: number;
}

/** A single row rewritten by the health check's write probe (see src/db/health.ts). */
export interface HealthProbeTable {
  id: number;
  checked_at: number;
}

export type ShipmentKind = 'ecpay' | 'carrier' | 'pickup';
/**
 * ECPay rows: queued (Express/Create to be called) → created | refused (ECPay said no; shown to the
 * merchant) | failed (gave up after repeated network failures). Carrier and pickup rows: done.
 */
export type ShipmentStatus = 'queued' | 'created' | 'refused' | 'failed' | 'done';
/** Home-delivery carriers the merchant names with `orders -- ship --carrier`. */
export type Carrier = 'tcat' | 'hct' | 'post' | 'pelican' | 'other';

/** How an order's goods left the shop (one row per order); ECPay rows are also the Create job queue. */
export interface ShipmentTable {
  id: Generated<number>;
  order_id: number;
  kind: ShipmentKind;
  status: ShipmentStatus;
  carrier: Carrier | null;
  tracking_no: string | null;
  /** ECPay LogisticsSubType (UNIMARTC2C, FAMI …). */
  sub_type: string | null;
  /** Ours, unique per Create attempt: `<OrderNo>S<attempt>`. */
  merchant_trade_no: string | null;
  attempt: ColumnType<number, number | undefined, number>;
  /** Create calls started for the current attempt: > 0 means ECPay may already have it. */
  ecpay_calls: ColumnType<number, number | undefined, number>;
  all_pay_logistics_id: string | null;
  /** C2C drop-off code the merchant types at the store kiosk (寄貨編號) and 7-11's validation code. */
  cvs_payment_no: string | null;
  cvs_validation_no: string | null;
  /** ECPay's latest status code and message (unknown codes included). */
  last_code: string | null;
  last_message: string | null;
  last_status_at: number | null;
  /** ECPay's refusal (0|message) or why the shop gave up; shown to the merchant. */
  refusal: string | null;
  arrived_at: number | null;
  pickup_deadline: number | null;
  reminded_at: number | null;
  next_attempt_at: number | null;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
}

export type AdminRole = 'owner' | 'staff';

/** A merchant console login (issue 15). */
export interface AdminAccountTable {
  id: Generated<number>;
  email: string;
  role: AdminRole;
  /** `scrypt$N$r$p$salt$hash` (see src/admin/password.ts). */
  password_hash: string;
  /** 1 until the one-time password printed by `npm run admin -- create-user` is changed. */
  must_change_password: ColumnType<number, number | undefined, number>;
  disabled_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: number;
  updated_at: number;
}

/** Every verified ECPay status notification, once (dedupe key: shipment, code, ECPay's status time). */
export interface ShipmentNotificationTable {
  id: Generated<number>;
  shipment_id: number;
  rtn_code: string;
  rtn_msg: string;
  status_date: string;
  meaning: string;
  outcome: string;
  received_at: number;
}

/** Folded search text of a product (see src/shop/search-text.ts and migration 0050). */
export interface ProductSearchTable {
  product_id: number;
  name: string;
  extra: string;
  description: string;
  search_all: string;
}

/** SQLite only: the FTS5 trigram index over product_search.search_all (rowid = product id). */
export interface ProductSearchFtsTable {
  rowid: number;
  search_all: string;
}

export type HandoffEndedBy = 'merchant' | 'timeout' | 'customer';

/** A customer handed to a person; the bot leaves their typed text alone while it is open. */
export interface HandoffTable {
  id: Generated<number>;
  line_user_id: string;
  started_at: number;
  /** The merchant's last action on it in the console (starts as started_at); idle time counts from here. */
  last_merchant_at: number;
  ended_at: number | null;
  ended_by: HandoffEndedBy | null;
}

export type MerchantAlertKind = 'handoff_started';

/** Something the merchant must be told (by the merchant alert sender, which marks it sent). */
export interface MerchantAlertRequestTable {
  id: Generated<number>;
  kind: MerchantAlertKind;
  line_user_id: string;
  handoff_id: number | null;
  created_at: number;
  sent_at: number | null;
}

/** A typed question nothing answered, counted by its folded text; no user id, digits masked. */
export interface UnansweredQuestionTable {
  id: Generated<number>;
  question_key: string;
  question: string;
  times_asked: number;
  first_asked_at: number;
  last_asked_at: number;
  dismissed_at: number | null;
}

export interface AdminSessionTable {
  /** SHA-256 (hex) of the cookie's token. */
  token_hash: string;
  account_id: number;
  created_at: number;
  last_seen_at: number;
  ip: string | null;
}

/** One failed login, keyed `ip:<address>` or `account:<email>`. */
export interface AdminLoginFailureTable {
  id: Generated<number>;
  key: string;
  at: number;
}

/** Who did what to money, stock, products, settings or accounts, when and from where. */
export interface AdminAuditTable {
  id: Generated<number>;
  account_id: number | null;
  /** The account's e-mail at the time (kept when the account is gone). */
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
  at: number;
}

export interface StockAdjustmentTable {
  id: Generated<number>;
  product_id: number;
  delta: number;
  stock_after: number;
  reason: string;
  actor: string;
  at: number;
}

/** Settings the console edits (`profile`, `delivery` …), JSON; they win over the environment. */
export interface ShopSettingTable {
  key: string;
  value: string;
  updated_at: number;
  updated_by: string | null;
}

/** A LINE user who receives the merchant's alerts. */
export interface MerchantRecipientTable {
  line_user_id: string;
  /** The console account that made the code it was bound with. */
  added_by: string;
  added_at: number;
}

export interface MerchantLinkCodeTable {
  /** SHA-256 (hex) of the code. */
  code_hash: string;
  created_by: string;
  expires_at: number;
  used_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** One row (id 1): what the alerts already reported and when the last one went out. */
export interface MerchantAlertCursorTable {
  id: number;
  version: number;
  /** Orders and products changed up to this time were reported. */
  seen_until: number;
  /** Dead outbox messages up to this id were reported. */
  dead_id: number;
  last_sent_at: number;
}

export interface DB {
  merchant_recipients: MerchantRecipientTable;
  merchant_link_codes: MerchantLinkCodeTable;
  merchant_alert_cursor: MerchantAlertCursorTable;
  admin_accounts: AdminAccountTable;
  admin_sessions: AdminSessionTable;
  admin_login_failures: AdminLoginFailureTable;
  admin_audit: AdminAuditTable;
  stock_adjustments: StockAdjustmentTable;
  shop_settings: ShopSettingTable;
  categories: CategoryTable;
  products: ProductTable;
  carts: CartTable;
  cart_items: CartItemTable;
  line_events: LineEventTable;
  chat_leases: ChatLeaseTable;
  outbox: OutboxTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  order_deliveries: OrderDeliveryTable;
  order_events: OrderEventTable;
  delivery_drafts: DeliveryDraftTable;
  saved_recipients: SavedRecipientTable;
  payments: PaymentTable;
  bank_notifications: BankNotificationTable;
  refunds: RefundTable;
  health_probe: HealthProbeTable;
  shipments: ShipmentTable;
  shipment_notifications: ShipmentNotificationTable;
  product_search: ProductSearchTable;
  product_search_fts: ProductSearchFtsTable;
  handoffs: HandoffTable;
  merchant_alert_requests: MerchantAlertRequestTable;
  unanswered_questions: UnansweredQuestionTable;
  push_counts: PushCountTable;
  line_quota: LineQuotaTable;
  push_budget_warnings: PushBudgetWarningTable;
}

export type Category = Selectable<CategoryTable>;
export type Product = Selectable<ProductTable>;
export type NewProduct = Insertable<ProductTable>;
export type ProductUpdate = Updateable<ProductTable>;
export type Cart = Selectable<CartTable>;
export type CartItem = Selectable<CartItemTable>;
export type LineEventRow = Selectable<LineEventTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type LineQuotaRow = Selectable<LineQuotaTable>;
export type PushBudgetWarning = Selectable<PushBudgetWarningTable>;
export type Order = Selectable<OrderTable>;
export type OrderItem = Selectable<OrderItemTable>;
export type OrderDelivery = Selectable<OrderDeliveryTable>;
export type DeliveryDraft = Selectable<DeliveryDraftTable>;
export type SavedRecipient = Selectable<SavedRecipientTable>;
export type OrderEventRow = Selectable<OrderEventTable>;
export type Payment = Selectable<PaymentTable>;
export type BankNotification = Selectable<BankNotificationTable>;
export type Shipment = Selectable<ShipmentTable>;
export type ShipmentNotification = Selectable<ShipmentNotificationTable>;
export type AdminAccount = Selectable<AdminAccountTable>;
export type AdminSession = Selectable<AdminSessionTable>;
export type AdminAuditRow = Selectable<AdminAuditTable>;
export type StockAdjustment = Selectable<StockAdjustmentTable>;
