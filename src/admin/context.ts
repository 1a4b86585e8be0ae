/** What the console's route modules share: its dependencies, the page renderer, the audit log. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Config } from '../config';
import type { AdminRole, DB } from '../db/types';
import type { Logger } from '../logger';
import type { QpayClient } from '../qpay';
import type { ShopSettings } from '../shop/shop-settings';
import type { ConsoleUser } from './account-service';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable without a session (the login page only). */
    public?: boolean;
    /** Only this role may use the route (owners may use every route). */
    role?: AdminRole;
    /** Reachable while the one-time password is not yet changed (password page, logout). */
    beforePasswordChange?: boolean;
  }
  interface FastifyRequest {
    consoleUser?: ConsoleUser;
  }
}

export const SESSION_COOKIE = 'admin_session';

export interface ConsoleDeps {
  db: Kysely<DB>;
  now: () => number;
  config: Pick<
    Config,
    | 'admin'
    | 'publicBaseUrl'
    | 'profile'
    | 'line'
    | 'shopName'
    | 'mode'
    | 'linePushBudget'
    | 'handoffIdleMs'
    | 'payments'
  >;
  /** Present when QPay is configured: refunds, capture and void. */
  qpay: QpayClient | undefined;
  /** Sends the customer notices an action queued (refund, void …) without waiting for the poll. */
  wakeOutbox: () => void;
  logger: Logger;
  /** The effective profile and delivery settings; invalidated after a save. */
  settings: ShopSettings;
  /** Every console route as registered (method + URL), for the anonymous-access test. */
  routeRegistry?: Array<{ method: string; url: string; public: boolean }>;
}

/** What route modules get: the deps, a page renderer and the audit log. */
export interface ConsoleContext {
  deps: ConsoleDeps;
  render(req: FastifyRequest, reply: FastifyReply, page: string, data?: Record<string, unknown>): Promise<FastifyReply>;
  /** A message page (errors, refusals) with a status code. */
  message(
    req: FastifyRequest,
    reply: FastifyReply,
    status: number,
    title: string,
    text: string,
    back?: string,
  ): Promise<FastifyReply>;
  audit(req: FastifyRequest, action: string, target: string | null, detail?: string | null): Promise<void>;
  /** The signed-in user (the hooks guarantee one on non-public routes). */
  user(req: FastifyRequest): ConsoleUser;
}
