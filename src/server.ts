/**
 * Process entry: config → database (migrated) → sandbox simulators when no credentials are set →
 * app + background jobs → listen. Stops gracefully on SIGINT/SIGTERM.
 *
 * `npm start` runs `exec node --import tsx src/server.ts`: npm forwards SIGTERM/SIGINT only to its
 * own child, the `sh -c` that runs the script, and sh does not pass it on. Without `exec` (and with
 * the `tsx` wrapper, a second process that spawns node) the shop and the simulators kept serving
 * after npm had exited. With `exec`, this process is npm's child and gets the signal itself.
 */
// First, before any other module loads: see startup-heap.ts.
import './startup-heap';
import { ensureSandboxOwner } from './admin/account-service';
import { type Config, ConfigError, environmentWithDotEnv, loadConfig } from './config';
import { openDatabase } from './db/database';
import { migrateToLatest } from './db/migrator';
import { createLogger } from './logger';
import { createRuntime } from './runtime';
import type { Sandbox } from './sandbox/start-sandbox';
import { seedDemoCatalogIfEmpty } from './seed';
import { endStartup } from './startup-heap';

/** How long a graceful stop may take before the process exits anyway. */
const STOP_TIMEOUT_MS = 10_000;

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(environmentWithDotEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`line-shop: configuration error: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const database = openDatabase(config.databaseUrl);
  const applied = await migrateToLatest(database.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');

  let sandbox: Sandbox | undefined;
  let consoleLogin: { email: string; password: string } | undefined;
  if (config.mode === 'sandbox') {
    consoleLogin = await ensureSandboxOwner(database.db, Date.now());
    const seeded = await seedDemoCatalogIfEmpty(database.db, Date.now());
    if (seeded > 0) logger.info({ products: seeded }, 'demo catalog loaded');
    // Loaded only here: a live shop never carries the simulators (and the LINE SDK the rich-menu
    // deploy uses) in memory — about a third of the built server's idle RSS (issue 17).
    const { startSandbox } = require('./sandbox/start-sandbox') as typeof import('./sandbox/start-sandbox');
    const started = await startSandbox(config, logger);
    sandbox = started;
    config = started.config;
  }

  const runtime = await createRuntime({ config, database, logger, httpLogger: logger });
  await runtime.app.listen({ port: config.port, host: config.host });
  runtime.startJobs();
  if (sandbox) await sandbox.afterShopStarted(runtime);
  endStartup();

  const lines = [
    '',
    `  line-shop is running in ${config.mode.toUpperCase()} mode`,
    `  shop:      ${config.publicBaseUrl}  (health: ${config.publicBaseUrl}/healthz)`,
    `  webhook:   ${config.publicBaseUrl}/line/webhook`,
    `  database:  ${database.describe}`,
    `  console:   ${config.publicBaseUrl}/admin${consoleLogin ? `  (log in as ${consoleLogin.email} / ${consoleLogin.password})` : ''}`,
    ...(sandbox
      ? sandbox.describe()
      : [
          `  LINE API:  ${config.line.apiBaseUrl}`,
          `  QPay:      ${config.qpay ? config.qpay.baseUrl : 'not configured (set QPAY_* to take payments)'}`,
        ]),
    '',
  ];
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = async (signal: string) => {
    // Ctrl-C reaches this process twice (from the terminal's process group and forwarded by npm):
    // a repeat is not a request to hurry, the timeout below bounds the stop.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // The simulators and the shop all live in this one process, so its exit closes every port;
    // a stop that hangs (a peer that never answers) must not keep them serving.
    setTimeout(() => {
      logger.error({ signal, afterMs: STOP_TIMEOUT_MS }, 'graceful stop took too long: exiting');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
    await runtime.stop();
    await sandbox?.close();
    await database.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err) => {
  console.error(`line-shop: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
