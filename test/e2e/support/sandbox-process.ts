/**
 * Starts the real sandbox the way `npm start` does — `npx tsx src/server.ts` as a child process
 * (or the built `node dist/server.js`) —
 * on free ports with a throw-away SQLite file and bank state file, and waits until the shop
 * answers /healthz and the start-up banner has printed the chat URL. No fixed sleeps.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../support/ports';

export { freePort };

const ROOT = join(__dirname, '..', '..', '..');

export interface SandboxProcess {
  shopUrl: string;
  /** The chat page URL printed at start (empty in live mode, which prints none). */
  chatUrl: string;
  lineSimUrl: string;
  bankUrl: string;
  ports: { shop: number; lineSim: number; bank: number };
  /** Everything the process printed so far (stdout + stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it). */
/** Resolves to 'open', 'timeout' or the connection error code (ECONNREFUSED …). */
export function probe(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve('open');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timeout');
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function poll<T>(
  what: string,
  deadline: number,
  probe: () => Promise<T | undefined>,
  alive: () => string | null,
) {
  for (;;) {
    const dead = alive();
    if (dead) throw new Error(`sandbox exited before ${what}: ${dead}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * `env` is added last: pass LINE_CHANNEL_SECRET/LINE_CHANNEL_ACCESS_TOKEN to start in live mode
 * (the simulator ports are still chosen and set, so a test can check nothing listens on them).
 */
export async function startSandboxProcess(
  opts: {
    env?: Record<string, string>;
    timeoutMs?: number;
    /** What to run (default `npx tsx src/server.ts`, as `npm start`); e.g. the build's `node dist/server.js`. */
    command?: [string, ...string[]];
  } = {},
): Promise<SandboxProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'line-shop-e2e-'));
  const [port, linePort, bankPort, logisticsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const env: NodeJS.ProcessEnv = { ...process.env };
  // A developer's .env or shell must not turn this into live mode or move the ports.
  for (const name of Object.keys(env)) {
    if (/^(LINE_|QPAY_|PUBLIC_BASE_URL$|HOST$|SANDBOX_HOST$|PORT$|DATABASE_URL$)/.test(name)) delete env[name];
  }
  Object.assign(env, {
    PORT: String(port),
    LINE_SIM_PORT: String(linePort),
    BANK_SIM_PORT: String(bankPort),
    LOGISTICS_SIM_PORT: String(logisticsPort),
    DATABASE_URL: `sqlite:${join(dir, 'shop.db')}`,
    BANK_SIM_STATE_FILE: join(dir, 'bank.json'),
    LOG_LEVEL: 'warn',
    ...opts.env,
  });
  let out = '';
  let exited: string | null = null;
  // detached: its own process group, so stop() reaches tsx's node child too.
  const [program, ...args] = opts.command ?? ['npx', 'tsx', 'src/server.ts'];
  const child: ChildProcess = spawn(program, args, {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    out += chunk.toString('utf8');
  });
  const exitedPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `code ${code ?? '-'} signal ${signal ?? '-'}\n${out}`;
      resolve();
    });
  });

  const stop = async () => {
    if (exited === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      const killer = setTimeout(() => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, 5_000);
      await exitedPromise;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    const shopUrl = `http://127.0.0.1:${port}`;
    await poll(
      '/healthz',
      deadline,
      async () => ((await fetch(`${shopUrl}/healthz`)).ok ? true : undefined),
      () => exited,
    );
    // The banner is printed once everything is up (simulators started, rich menus deployed).
    await poll(
      'the start-up banner',
      deadline,
      // One console.log writes the whole banner; wait for its closing blank line.
      async () => (/line-shop is running in \w+ mode[\s\S]*\n\n/.test(out) ? true : undefined),
      () => exited,
    );
    return {
      shopUrl,
      chatUrl: /^\s*chat:\s+(\S+)/m.exec(out)?.[1] ?? '',
      lineSimUrl: `http://127.0.0.1:${linePort}`,
      bankUrl: `http://127.0.0.1:${bankPort}`,
      ports: { shop: port, lineSim: linePort, bank: bankPort },
      output: () => out,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
