/**
 * Wires one shop instance from config: database, LINE client, conversation, HTTP app and the
 * background jobs. server.ts runs one; tests build several against one database.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import type { Config } from './config';
import type { Database } from './db/database';
import { Poller } from './jobs/poller';
import { EventWorker } from './line/event-worker';
import { createLineApi, type LineApi } from './line/line-api';
import { OutboxSender } from './line/outbox-sender';
import type { Logger } from './logger';
import { createConversation } from './shop/conversation';

export interface RuntimeOptions {
  config: Config;
  database: Database;
  logger: Logger;
  now?: () => number;
  /** Fastify logger (pino options or instance); off by default in tests. */
  httpLogger?: Parameters<typeof buildApp>[0]['logger'];
  /** Poll intervals; tests shorten them. */
  pollMs?: number;
  extraPlugins?: Array<(app: FastifyInstance) => Promise<void>>;
}

export interface Runtime {
  app: FastifyInstance;
  line: LineApi;
  eventWorker: EventWorker;
  outboxSender: OutboxSender;
  pollers: Poller[];
  /** Starts the background jobs (the app is listened on by the caller). */
  startJobs(): void;
  /** Stops jobs and closes the app (not the database: the caller owns it). */
  stop(): Promise<void>;
}

export const MEDIA_DIR = join(__dirname, '..', 'db', 'seed', 'media');

export async function createRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, database, logger } = opts;
  const now = opts.now ?? Date.now;
  const owner = `${process.pid}-${randomUUID().slice(0, 8)}`;
  const line = createLineApi({
    channelAccessToken: config.line.channelAccessToken,
    apiBaseUrl: config.line.apiBaseUrl,
  });
  const outboxSender = new OutboxSender(database.db, line, now, logger.child({ job: 'outbox' }));
  const eventWorker = new EventWorker({
    db: database.db,
    handle: createConversation(),
    outbox: outboxSender,
    now,
    logger: logger.child({ job: 'events' }),
    owner,
    shopName: config.shopName,
    publicBaseUrl: config.publicBaseUrl,
  });
  const pollMs = opts.pollMs ?? 1000;
  const eventPoller = new Poller('events', () => eventWorker.tick(), pollMs, logger);
  const outboxPoller = new Poller('outbox', () => outboxSender.tick(), pollMs, logger);
  const pollers = [eventPoller, outboxPoller];

  const app = await buildApp({
    db: database.db,
    channelSecret: config.line.channelSecret,
    now,
    onEventsStored: () => eventPoller.wake(),
    logger: opts.httpLogger,
    mediaDir: MEDIA_DIR,
    plugins: opts.extraPlugins,
  });

  return {
    app,
    line,
    eventWorker,
    outboxSender,
    pollers,
    startJobs: () => {
      for (const p of pollers) p.start();
    },
    stop: async () => {
      await app.close();
      await Promise.all(pollers.map((p) => p.stop()));
    },
  };
}
