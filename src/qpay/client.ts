/**
 * The QPay client: Nonce + Order over src/http/outbound, every answer verified before it becomes data.
 *
 * Each Order call: POST Nonce (fresh, single use) → seal the message with that nonce → POST Order →
 * check the envelope (APIService, ShopNo) → decrypt and verify Sign with the RESPONSE's nonce →
 * `Status: "F"` becomes QpayRefusedError. See errors.ts for what may be retried.
 */

import type { QpayConfig } from '../config';
import {
  MAX_ERROR_BODY_CHARS,
  type OutboundTimeouts,
  outbound,
  postOnce,
  type TransportFailure,
} from '../http/outbound';
import { computeHashId, openMessage, sealMessage } from './crypto';
import { QpayHttpError, QpayNetworkError, QpayRefusedError, type QpayService, QpayVerificationError } from './errors';
import type {
  OrderCreated,
  OrderCreateRequest,
  OrderMaintainRequest,
  OrderMaintainResult,
  OrderQueryRequest,
  OrderQueryResult,
  PayQueryResult,
} from './types';
import {
  orderCreateMessage,
  orderCreateResult,
  orderMaintainMessage,
  orderMaintainResult,
  orderQueryMessage,
  orderQueryResult,
  payQueryMessage,
  payQueryResult,
} from './wire';

export interface QpayClientOptions extends OutboundTimeouts {
  /** How long an idle keep-alive connection is kept, ms (default 30 000). */
  keepAliveTimeoutMs?: number;
}

export interface QpayClient {
  readonly shopNo: string;
  orderCreate(req: OrderCreateRequest): Promise<OrderCreated>;
  orderPayQuery(payToken: string): Promise<PayQueryResult>;
  orderQuery(req: OrderQueryRequest): Promise<OrderQueryResult>;
  orderMaintain(req: OrderMaintainRequest): Promise<OrderMaintainResult>;
  /** Closes the client's connections. */
  close(): Promise<void>;
}

const API_VERSION = '1.0.0';

function networkError(service: QpayService, stage: 'nonce' | 'order', failure: TransportFailure): QpayNetworkError {
  // A failed Nonce call never sends the Order, so the order cannot have reached the bank.
  const mayHaveArrived = stage === 'order' && failure.mayHaveArrived;
  return new QpayNetworkError(service, stage, mayHaveArrived, failure.timedOut, failure.cause);
}

export function createQpayClient(config: QpayConfig, options: QpayClientOptions = {}): QpayClient {
  const hashId = computeHashId(config);
  const http = outbound({ ...options, keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 30_000 });
  const base = config.baseUrl.endsWith('/') ? config.baseUrl : `${config.baseUrl}/`;

  async function post(
    service: QpayService,
    stage: 'nonce' | 'order',
    path: string,
    body: unknown,
  ): Promise<Record<string, unknown>> {
    const { status, text } = await postOnce(
      http,
      base + path,
      { 'content-type': 'application/json; charset=utf-8', 'x-keyid': config.keyId },
      JSON.stringify(body),
      (failure) => {
        throw networkError(service, stage, failure);
      },
    );
    if (status < 200 || status > 299) {
      throw new QpayHttpError(service, stage, status, text.slice(0, MAX_ERROR_BODY_CHARS));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new QpayVerificationError(service, `${stage} answer is not JSON`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new QpayVerificationError(service, `${stage} answer is not a JSON object`);
    }
    return parsed as Record<string, unknown>;
  }

  async function nonce(service: QpayService): Promise<string> {
    const answer = await post(service, 'nonce', 'Nonce', { ShopNo: config.shopNo });
    const value = answer.Nonce;
    if (typeof value !== 'string' || value.length < 16 || !/^[A-Za-z0-9+/=]+$/.test(value)) {
      throw new QpayVerificationError(service, 'Nonce answer has no usable Nonce');
    }
    return value;
  }

  /** One full Order round trip; returns the verified, decrypted answer with Status S. */
  async function call(service: QpayService, message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const requestNonce = await nonce(service);
    const sealed = sealMessage(message, requestNonce, hashId);
    const envelope = await post(service, 'order', 'Order', {
      Version: API_VERSION,
      ShopNo: config.shopNo,
      APIService: service,
      Sign: sealed.sign,
      Nonce: requestNonce,
      Message: sealed.message,
    });
    if (envelope.APIService !== service) throw new QpayVerificationError(service, 'envelope APIService differs');
    if (envelope.ShopNo !== config.shopNo) throw new QpayVerificationError(service, 'envelope ShopNo differs');
    const { Nonce: responseNonce, Sign: sign, Message: messageHex } = envelope;
    if (typeof responseNonce !== 'string' || typeof sign !== 'string' || typeof messageHex !== 'string') {
      throw new QpayVerificationError(service, 'envelope lacks Nonce, Sign or Message');
    }
    // The bank signs its answer with the nonce it puts in the answer, never with ours.
    const opened = openMessage(messageHex, sign, responseNonce, hashId);
    if (!opened.ok) throw new QpayVerificationError(service, `Message ${opened.reason}`);
    const answer = opened.message;
    if (answer.ShopNo !== undefined && answer.ShopNo !== config.shopNo) {
      throw new QpayVerificationError(service, 'message ShopNo differs');
    }
    if (answer.Status !== 'S') {
      const description = typeof answer.Description === 'string' ? answer.Description : '';
      // "E0602 – 收款方式未啟用": code, spaced en dash (or hyphen), text.
      const m = /^\s*([A-Z]\d{4})\s*[\u2013-]\s*(.*)$/su.exec(description);
      throw new QpayRefusedError(service, m?.[1] ?? '', m?.[2] ?? description, description, answer);
    }
    return answer;
  }

  return {
    shopNo: config.shopNo,
    async orderCreate(req) {
      const msg = orderCreateMessage(config.shopNo, req);
      return orderCreateResult(req, await call('OrderCreate', msg));
    },
    async orderPayQuery(payToken) {
      const msg = payQueryMessage(config.shopNo, payToken);
      return payQueryResult(payToken, await call('OrderPayQuery', msg));
    },
    async orderQuery(req) {
      const msg = orderQueryMessage(config.shopNo, req);
      return orderQueryResult(await call('OrderQuery', msg));
    },
    async orderMaintain(req) {
      const msg = orderMaintainMessage(config.shopNo, req);
      return orderMaintainResult(req, await call('OrderMaintain', msg));
    },
    async close() {
      await http.close();
    },
  };
}
