/**
 * SQLite WAL checkpoints on a thread of their own.
 *
 * In WAL mode every commit appends pages to the -wal file, and by default the connection that
 * commits copies them back into the database file every 1,000 pages, inside that commit, on the
 * thread that also answers LINE. Under load that was about a tenth of the shop's CPU per event and
 * a source of ack-latency spikes (bench/). Here the shop's connection checkpoints only as a backstop
 * (when the log is far larger than the background keeps it), and a worker thread with its own
 * connection runs PASSIVE checkpoints every CHECKPOINT_INTERVAL_MS: they never block the shop's
 * readers or its writer, and the next commit after a complete one starts the log over.
 */
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 250;
const STOP_TIMEOUT_MS = 5_000;
/** The shop connection's own checkpoint threshold, in pages (4 KB): only if the thread falls behind. */
export const BACKSTOP_CHECKPOINT_PAGES = 20_000;
/** A -wal file grown by a burst is cut back to this size when the log starts over. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

// Plain JavaScript, run with `eval`: the thread needs no TypeScript loader (tsx, ts-jest).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    // SQLITE_BUSY and the like: the next round tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    checkpoint();
    db.close();
    parentPort.postMessage('stopped');
  }
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string): Checkpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { file, driver: require.resolve('better-sqlite3'), intervalMs: CHECKPOINT_INTERVAL_MS },
    // The thread only calls one pragma now and then: a small heap keeps its cost to the process's
    // idle memory low (issue 17) — V8's defaults would reserve as much as for the shop itself.
    resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, codeRangeSizeMb: 2 },
  });
  // Never what keeps a process (a CLI command, a test) alive.
  worker.unref();
  // If the thread dies the backstop keeps the log bounded; a closed database must not crash the shop.
  worker.on('error', () => {});
  let exited = false;
  worker.once('exit', () => {
    exited = true;
  });
  let stopping: Promise<void> | undefined;
  return {
    stop: () => {
      stopping ??= exited
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const done = () => resolve();
            worker.once('exit', done);
            worker.once('message', () => void worker.terminate().then(done, done));
            worker.postMessage('stop');
            // A thread stuck in a checkpoint must not hold up shutdown.
            setTimeout(() => void worker.terminate().then(done, done), STOP_TIMEOUT_MS).unref();
          });
      return stopping;
    },
  };
}
