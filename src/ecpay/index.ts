/** ECPay logistics (綠界物流) client library: the public face. Knows nothing of the shop. */
export { checkMacValue, dotNetUrlEncode, type MacKeys, sign, verifyCheckMacValue } from './check-mac';
export { createEcpayLogisticsClient, type EcpayClientOptions, type EcpayLogisticsClient } from './client';
export {
  EcpayError,
  EcpayHttpError,
  EcpayNetworkError,
  EcpayRefusedError,
  type EcpayService,
  EcpayValidationError,
  EcpayVerificationError,
  isSafeToRetry,
} from './errors';
export { autoSubmitHtml, type BrowserForm, escapeHtml } from './html';
export {
  buildMapForm,
  type ChosenStore,
  type MapReplyExpectation,
  type MapReplyProblem,
  type MapReplyResult,
  type MapRequest,
  mapRedirectHtml,
  parseMapReply,
} from './map';
export {
  ECPAY_PRODUCTION_BASE_URL,
  ECPAY_STAGE_B2C,
  ECPAY_STAGE_BASE_URL,
  ECPAY_STAGE_C2C,
  type EcpayAccount,
} from './stage';
export { type LogisticsMeaning, STATUS_CODES, type StatusCodeInfo, statusMeaning } from './status';
export { fromEcpayDate, toEcpayDate } from './time';
export * from './types';
export {
  cellPhoneProblem,
  ecpayWidth,
  goodsNameProblem,
  nameProblem,
  normalizeCellPhone,
  phoneProblem,
  storeIdProblem,
} from './validate';
export {
  type CreateCvsShipment,
  type CreateHomeShipment,
  type CreateShipmentRequest,
  createShipmentFields,
  formatRawPairs,
  maxGoodsAmount,
  NOTIFICATION_ACK,
  type NotificationResult,
  parseCreateReply,
  parseQueryReply,
  parseRawPairs,
  parseStatusNotification,
  QUERY_PATH,
  type QueryKey,
  queryFields,
  type ShipmentStatus,
  type TradeInfo,
} from './wire';
