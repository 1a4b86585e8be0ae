/**
 * SIGTERM to `npm start` (what a process manager or `kill <pid>` sends, to npm only) stops every
 * process it started: nothing keeps listening on the shop's or the simulators' ports, and no
 * process of its group is left. Before the fix npm exited while tsx and the server kept serving.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, probe } from './support/sandbox-process';

const ROOT = join(__dirname, '..', '..');
const probeLocal = (port: number) => probe('127.0.0.1', port);

/** Live (not zombie) processes whose process group is `pgid`. */
function liveInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([group, stat]) => Number(group) === pgid && !stat?.startsWith('Z'))
    .map((fields) => fields.slice(2).join(' '));
}

async function until<T>(what: string, ms: number, check: () => Promise<T | undefined> | T | undefined) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start', () => {
  let child: ChildProcess | undefined;
  let dir = '';
  afterEach(() => {
    // Whatever the outcome, leave nothing running.
    if (child?.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['SIGTERM to npm alone (kill <pid>, a process manager)', 'npm'],
    ['SIGINT to the whole group (Ctrl-C in a terminal)', 'group'],
  ] as const)(
    'stops the shop and every simulator on %s',
    async (_what, target) => {
      dir = mkdtempSync(join(tmpdir(), 'line-shop-sigterm-'));
      const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const name of Object.keys(env)) {
        if (/^(LINE_|QPAY_|PUBLIC_BASE_URL$|HOST$|SANDBOX_HOST$|PORT$|DATABASE_URL$|npm_)/.test(name)) delete env[name];
      }
      Object.assign(env, {
        PORT: String(ports[0]),
        LINE_SIM_PORT: String(ports[1]),
        BANK_SIM_PORT: String(ports[2]),
        LOGISTICS_SIM_PORT: String(ports[3]),
        DATABASE_URL: `sqlite:${join(dir, 'shop.db')}`,
        BANK_SIM_STATE_FILE: join(dir, 'bank.json'),
        LOG_LEVEL: 'info',
      });
      let out = '';
      // Its own process group, so the test can see (and in the end clean up) everything it started.
      const npm = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      child = npm;
      npm.stdout?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      npm.stderr?.on('data', (c: Buffer) => {
        out += c.toString('utf8');
      });
      const exited = new Promise<void>((resolve) => npm.once('exit', () => resolve()));
      const pgid = npm.pid as number;

      await until('the start-up banner', 30_000, () => {
        if (npm.exitCode !== null) throw new Error(`npm start exited early:\n${out}`);
        return /line-shop is running in SANDBOX mode[\s\S]*\n\n/.test(out) ? true : undefined;
      });
      expect(await Promise.all(ports.map(probeLocal))).toEqual(['open', 'open', 'open', 'open']);
      expect(liveInGroup(pgid).length).toBeGreaterThan(1);

      if (target === 'npm') process.kill(pgid, 'SIGTERM');
      else process.kill(-pgid, 'SIGINT');
      await until('npm to exit', 15_000, () => (npm.exitCode !== null || npm.signalCode !== null ? true : undefined));
      await exited;
      const left = await until('every process of the group to end', 15_000, () =>
        liveInGroup(pgid).length === 0 ? [] : undefined,
      ).catch(() => liveInGroup(pgid));
      expect(left).toEqual([]);
      expect(await Promise.all(ports.map(probeLocal))).toEqual([
        'ECONNREFUSED',
        'ECONNREFUSED',
        'ECONNREFUSED',
        'ECONNREFUSED',
      ]);
      // Gracefully: the shop logged its stop (it did not die of the signal or of the stop timeout).
      expect(out).toContain('"msg":"shutting down"');
      expect(out).not.toContain('graceful stop took too long');
    },
    60_000,
  );
});
