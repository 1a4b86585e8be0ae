/**
 * ECPay's server-to-server callbacks on the shop's own port (spec §6):
 * - POST /ecpay/logistics/status (ServerReplyURL): a status notification. Verified (CheckMacValue
 *   over every received field, our MerchantID) before anything is read; applied once; answered
 *   with exactly `1|OK`. Forged or malformed ones get 400 `0|…` and change nothing; one about a
 *   shipment we do not know (yet) gets `0|…` so ECPay sends it again later.
 * - POST /ecpay/logistics/store-closed (LogisticsC2CReplyURL, 7-ELEVEN C2C): the pickup store
 *   closed; verified the same way, flagged for the merchant, `1|OK`.
 * Neither logs a recipient's name, phone or address.
 */
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/types';
import { type EcpayLogisticsConfig, NOTIFICATION_ACK, parseStatusNotification, verifyCheckMacValue } from '../ecpay';
import type { Logger } from '../logger';
import { applyEcpayStatus } from '../shop/ecpay-status-service';
import { storeClosedForShipment } from '../shop/shipping-service';

export const STATUS_PATH = '/ecpay/logistics/status';
export const STORE_CLOSED_PATH = '/ecpay/logistics/store-closed';

export interface EcpayRouteDeps {
  db: Kysely<DB>;
  config: EcpayLogisticsConfig;
  now: () => number;
  logger: Logger;
  /** Wakes the outbox sender after a notice was queued. */
  onMessagesQueued: () => void;
}

const text = (reply: FastifyReply, code: number, body: string) =>
  reply.code(code).header('content-type', 'text/plain; charset=utf-8').send(body);

export function ecpayRoutes(deps: EcpayRouteDeps) {
  const { db, config, now, logger } = deps;
  return async (app: FastifyInstance): Promise<void> => {
    await app.register(formbody);

    app.post(STATUS_PATH, async (req, reply) => {
      const parsed = parseStatusNotification(config, (req.body ?? {}) as Record<string, unknown>);
      if (!parsed.ok) {
        logger.warn({ reason: parsed.reason, ip: req.ip }, 'ECPay status notification refused');
        return text(reply, 400, parsed.answer);
      }
      const s = parsed.status;
      const outcome = await applyEcpayStatus(db, s, now());
      logger.info(
        { allPayLogisticsId: s.allPayLogisticsId, merchantTradeNo: s.merchantTradeNo, code: s.rtnCode, outcome },
        'ECPay status',
      );
      if (outcome === 'unknown_shipment') return text(reply, 200, '0|unknown shipment');
      if (outcome === 'moved') deps.onMessagesQueued();
      return text(reply, 200, NOTIFICATION_ACK);
    });

    app.post(STORE_CLOSED_PATH, async (req, reply) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(body)) {
        if (typeof v !== 'string') return text(reply, 400, '0|bad field');
        fields[k] = v;
      }
      if (fields.MerchantID !== config.merchantId || !verifyCheckMacValue(fields, config)) {
        logger.warn({ ip: req.ip }, 'ECPay store-closed notice refused');
        return text(reply, 400, '0|CheckMacValue or fields invalid');
      }
      const known = await storeClosedForShipment(db, fields.AllPayLogisticsID ?? '', fields.StoreType ?? '', now());
      logger.warn(
        { allPayLogisticsId: fields.AllPayLogisticsID, storeType: fields.StoreType, known },
        'ECPay: store closed',
      );
      return text(reply, 200, known ? NOTIFICATION_ACK : '0|unknown shipment');
    });
  };
}
