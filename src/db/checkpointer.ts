/**
 * SQLite WAL checkpoints on a thread of their own, while the shop writes.
 *
 * In WAL mode every commit appends pages to the -wal file, and by default the connection that
 * commits copies them back into the database file every 1,000 pages, inside that commit, on the
 * thread that also answers LINE. Under load that was about a tenth of the shop's CPU per event and
 * a source of ack-latency spikes (bench/). Here the shop's connection checkpoints only as a backstop
 * (when the log is far larger than the background keeps it), and a worker thread with its own
 * connection runs PASSIVE checkpoints every CHECKPOINT_INTERVAL_MS: they never block the shop's
 * readers or its writer, and the next commit after a complete one starts the log over.
 *
 * The thread is a second V8 isolate: about 9 MB of RSS, most of an idle shop's spare memory
 * (issue 17). So it runs only while the shop writes. The shop's thread looks at the size of the
 * -wal file every WATCH_INTERVAL_MS (one stat) and starts the thread once the log holds
 * START_BYTES — SQLite's own default checkpoint point, so until then the log is no longer than
 * SQLite keeps it anyway. The thread ends itself after QUIET_MS in which less than QUIET_BYTES was
 * written (a quiet shop's health probes and pollers), once everything is checkpointed and a
 * TRUNCATE checkpoint has emptied the file, so the size the shop's thread watches starts from 0.
 */
import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const CHECKPOINT_INTERVAL_MS = 250;
const STOP_TIMEOUT_MS = 5_000;
/** The shop connection's own checkpoint threshold, in pages (4 KB): only if the thread falls behind. */
export const BACKSTOP_CHECKPOINT_PAGES = 20_000;
/** A -wal file grown by a burst is cut back to this size when the log starts over. */
export const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/** How often the shop's thread looks at the -wal file's size while no checkpoint thread runs. */
const WATCH_INTERVAL_MS = 250;
/** The checkpoint thread starts once the -wal file is this large (1,000 pages: SQLite's default). */
export const START_BYTES = 4 * 1024 * 1024;
/** The thread ends after this long with less than QUIET_BYTES written… */
const QUIET_MS = 30_000;
/** …about one event a second (a handled event commits a few pages). */
const QUIET_BYTES = 1024 * 1024;

// Plain JavaScript, run with `eval`: the thread needs no TypeScript loader (tsx, ts-jest).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const BUSY_TIMEOUT_MS = 1000;
db.pragma('busy_timeout = ' + BUSY_TIMEOUT_MS);
const pageSize = db.pragma('page_size', { simple: true });
// Frames (pages) appended to the log in the current quiet window.
let written = 0;
let lastLog = 0;
let windowStart = Date.now();
const end = () => {
  clearInterval(timer);
  db.close();
  // Nothing else keeps the thread alive: it exits.
  parentPort.close();
};
// Empties the -wal file. No busy handler here: a TRUNCATE checkpoint holds the write lock while it
// waits for readers, and the shop's thread, whose writes would wait on it, must never wait for that.
const truncate = () => {
  db.pragma('busy_timeout = 0');
  try {
    return db.pragma('wal_checkpoint(TRUNCATE)')[0].busy === 0;
  } catch (err) {
    return false;
  } finally {
    db.pragma('busy_timeout = ' + BUSY_TIMEOUT_MS);
  }
};
const checkpoint = () => {
  try {
    const { busy, log, checkpointed } = db.pragma('wal_checkpoint(PASSIVE)')[0];
    // A log shorter than last time has started over (after a complete checkpoint).
    written += log >= lastLog ? log - lastLog : log;
    lastLog = log;
    if (Date.now() - windowStart < workerData.quietMs) return;
    if (written * pageSize < workerData.quietBytes && busy === 0 && log === checkpointed && truncate()) return end();
    written = 0;
    windowStart = Date.now();
  } catch (err) {
    // SQLITE_BUSY and the like: the next round tries again.
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m === 'stop') {
    clearInterval(timer);
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      // Closing the shop's connection checkpoints as well.
    }
    db.close();
    parentPort.postMessage('stopped');
  }
});
`;

export interface Checkpointer {
  /** Whether the checkpoint thread runs now (it runs only while the shop writes). */
  readonly running: boolean;
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The -wal size that starts the thread (default START_BYTES). */
  startBytes?: number;
  /** How long the log must stay quiet before the thread ends (default 30 s; tests shorten it). */
  quietMs?: number;
  /** Told when the thread starts (true) and when it has ended (false). */
  onThread?: (running: boolean) => void;
}

export function startCheckpointer(file: string, options: CheckpointerOptions = {}): Checkpointer {
  const startBytes = options.startBytes ?? START_BYTES;
  const quietMs = options.quietMs ?? QUIET_MS;
  let worker: Worker | undefined;
  // A thread that failed (it could not open the database…) is not started again: the shop
  // connection's backstop keeps the log bounded, and a broken thread must not crash the shop.
  let failed = false;
  let stopping: Promise<void> | undefined;

  const startThread = () => {
    const thread = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file,
        driver: require.resolve('better-sqlite3'),
        intervalMs: CHECKPOINT_INTERVAL_MS,
        quietMs,
        quietBytes: QUIET_BYTES,
      },
      // The thread only calls one pragma now and then: a small heap keeps its cost to the
      // process's memory low — V8's defaults would reserve as much as for the shop itself.
      resourceLimits: { maxYoungGenerationSizeMb: 1, maxOldGenerationSizeMb: 16, codeRangeSizeMb: 2 },
    });
    // Never what keeps a process (a CLI command, a test) alive.
    thread.unref();
    thread.on('error', () => {
      failed = true;
    });
    thread.once('exit', () => {
      if (worker === thread) worker = undefined;
      options.onThread?.(false);
    });
    worker = thread;
    options.onThread?.(true);
  };

  const walFile = `${file}-wal`;
  const watch = setInterval(() => {
    if (worker || failed || stopping) return;
    const size = statSync(walFile, { throwIfNoEntry: false })?.size ?? 0;
    if (size >= startBytes) startThread();
  }, WATCH_INTERVAL_MS);
  watch.unref();

  return {
    get running() {
      return worker !== undefined;
    },
    stop: () => {
      stopping ??= (async () => {
        clearInterval(watch);
        const thread = worker;
        if (!thread) return;
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          thread.once('exit', done);
          thread.once('message', () => void thread.terminate().then(done, done));
          thread.postMessage('stop');
          // A thread stuck in a checkpoint must not hold up shutdown.
          setTimeout(() => void thread.terminate().then(done, done), STOP_TIMEOUT_MS).unref();
        });
      })();
      return stopping;
    },
  };
}
