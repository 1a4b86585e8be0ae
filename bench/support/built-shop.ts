/**
 * The shop as it is deployed: `node dist/server.js` (run `npm run build` first), its own
 * process, configured only through the environment. Its RSS is read from /proc (the built server
 * has no bench hooks), sampled every 200 ms; it stops on SIGTERM like in production.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from './context';
import { createDb } from './databases';
import { SECRET, TOKEN } from './line-platform';
import { PROFILES } from './output';
import { pin, SERVER_CORE } from './pinning';
import { freePort } from './ports';
import type { ServerProc } from './processes';
import type { Shop } from './shop';

const ROOT = join(__dirname, '..', '..');
export const BUILT_SERVER = join(ROOT, 'dist', 'server.js');

/** Resident set size of `pid` in bytes (VmRSS), 0 once it has gone. */
export function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function healthy(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`built server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`built server not healthy after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** One built shop on a fresh SQLite database, pointed at the bench's LINE simulator. */
export async function startBuiltShop(ctx: BenchContext, extraEnv: Record<string, string> = {}): Promise<Shop> {
  if (!existsSync(BUILT_SERVER)) throw new Error(`${BUILT_SERVER} is missing: run \`npm run build\` first`);
  const db = await createDb('sqlite');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_NODE_ARGS: node/V8 flags to try on the shop (e.g. heap sizing); BENCH_LOG_LEVEL: its log.
  const tried = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const args = [...tried, ...(ctx.profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : [])];
  const child = spawn(process.execPath, [...args, BUILT_SERVER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      LINE_CHANNEL_SECRET: SECRET,
      ADMIN_SESSION_SECRET: 'test-admin-session-secret-0123456789abcdef',
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: ctx.sim.url,
      LINE_DATA_API_BASE_URL: ctx.sim.url,
      PUBLIC_BASE_URL: base,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
      ...extraEnv,
    },
    stdio: ['ignore', process.env.BENCH_LOG_LEVEL ? 'inherit' : 'ignore', 'inherit'],
  });
  pin(child.pid as number, SERVER_CORE);
  let stopping = false;
  // A server that dies mid-run shows as refused connections in every later step: say why.
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`built shop exited during the run (code ${code}, signal ${signal})`);
  });
  await healthy(`${base}/healthz`, child, 20_000);
  const proc: ServerProc = {
    url: `${base}/line/webhook`,
    pid: child.pid as number,
    idleRss: 0,
    peakRss: 0,
    lastRss: 0,
    resetPeak: () => {
      proc.peakRss = proc.lastRss;
    },
    stop: () =>
      new Promise<void>((done) => {
        clearInterval(timer);
        stopping = true;
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 12_000).unref();
      }),
  };
  const sample = () => {
    proc.lastRss = rssOf(proc.pid);
    proc.peakRss = Math.max(proc.peakRss, proc.lastRss);
  };
  const timer = setInterval(sample, 200);
  // Idle: after start-up settles, before any load (as startServer measures the other servers).
  await new Promise((r) => setTimeout(r, 1000));
  sample();
  proc.idleRss = proc.lastRss;
  proc.peakRss = proc.lastRss;
  return {
    db,
    instances: [proc],
    targets: [proc.url],
    stop: async () => {
      await proc.stop();
      await db.drop();
    },
  };
}
