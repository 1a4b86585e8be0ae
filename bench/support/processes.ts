/**
 * Starting the bench's child processes (bench/children/): a server (shop instance, bare floor or
 * Express) that reports its URL and RSS, and the load generator that runs jobs sent over IPC.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { pin, SERVER_CORE } from './pinning';
import type { LoadJob, LoadResult, ServerMessage } from './protocol';

const CHILDREN = join(__dirname, '..', 'children');

export interface ServerProc {
  url: string;
  pid: number;
  idleRss: number;
  peakRss: number;
  lastRss: number;
  resetPeak(): void;
  stop(): Promise<void>;
}

/**
 * Forks bench/children/`script`; `cpuProfDir` runs it under `node --cpu-prof`, writing there;
 * `pinned` puts it on the server core (see pinning.ts).
 */
export function startServer(
  script: string,
  env: Record<string, string>,
  opts: { cpuProfDir?: string; pinned?: boolean } = {},
) {
  const execArgv = ['--import', 'tsx'];
  if (opts.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  const child = fork(join(CHILDREN, script), [], {
    execArgv,
    env: { ...process.env, ...env, LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  if (opts.pinned) pin(child.pid as number, SERVER_CORE);
  return new Promise<ServerProc>((resolve, reject) => {
    const proc: ServerProc = {
      url: '',
      pid: child.pid as number,
      idleRss: 0,
      peakRss: 0,
      lastRss: 0,
      resetPeak: () => {
        proc.peakRss = proc.lastRss;
      },
      stop: () =>
        new Promise<void>((done) => {
          child.once('exit', () => done());
          child.send({ type: 'stop' });
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    };
    child.on('message', (m: ServerMessage) => {
      if (m.type === 'rss') {
        proc.lastRss = m.rss;
        proc.peakRss = Math.max(proc.peakRss, m.rss);
      } else if (m.type === 'ready') {
        proc.url = m.url;
        // Idle: after start-up settles, before any load.
        setTimeout(() => {
          proc.idleRss = proc.lastRss;
          proc.peakRss = proc.lastRss;
          resolve(proc);
        }, 1000);
      }
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

export interface LoadGen {
  pid: number;
  run(job: LoadJob): Promise<LoadResult>;
  close(): void;
}

export function startLoadGen(): Promise<LoadGen> {
  const child: ChildProcess = fork(join(CHILDREN, 'loadgen.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve) => {
    child.once('message', () =>
      resolve({
        pid: child.pid as number,
        run: (job) =>
          new Promise((done, fail) => {
            child.once('message', (m: { type: string; result?: LoadResult; message?: string }) =>
              m.type === 'result' && m.result ? done(m.result) : fail(new Error(m.message)),
            );
            child.send({ type: 'run', job });
          }),
        close: () => child.send({ type: 'exit' }),
      }),
    );
  });
}
