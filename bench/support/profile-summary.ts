/** Reads the .cpuprofile files `node --cpu-prof` wrote and prints where the CPU time went. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Buckets for a quick read: which layer of the stack the time is spent in. */
function bucket(url: string, fn: string): string {
  if (url === '' && fn === '(garbage collector)') return 'GC';
  if (url === '' && (fn === '(idle)' || fn === '(program)')) return fn;
  if (url.includes('better-sqlite3')) return 'better-sqlite3';
  if (url.includes('/node_modules/pg')) return 'pg driver';
  if (url.includes('/node_modules/kysely')) return 'kysely (query building/compiling)';
  if (url.includes('/node_modules/fastify') || url.includes('find-my-way') || url.includes('light-my-request'))
    return 'fastify';
  if (url.includes('/node_modules/undici') || url.includes('node:internal/deps/undici'))
    return 'undici (the sandbox; fetch)';
  if (url.includes('/node_modules/@line/bot-sdk')) return '@line/bot-sdk';
  if (url.includes('/node_modules/pino')) return 'pino';
  if (url.includes('/src/')) return `src/${url.split('/src/')[1]?.split('/')[0] ?? ''}`;
  if (url.startsWith('node:') || url === '') return 'node internals (http, streams, crypto, timers)';
  return 'other';
}

export function summarizeProfiles(dir: string): void {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  } catch {
    return;
  }
  for (const file of files) {
    const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const self = new Map<number, number>();
    for (const [i, id] of p.samples.entries()) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
    const total = [...self.values()].reduce((a, b) => a + b, 0);
    const busy = [...self.entries()]
      .filter(([id]) => byId.get(id)?.callFrame.functionName !== '(idle)')
      .reduce((a, [, v]) => a + v, 0);
    const buckets = new Map<string, number>();
    const fns = new Map<string, number>();
    for (const [id, us] of self) {
      const n = byId.get(id);
      if (!n) continue;
      const b = bucket(n.callFrame.url, n.callFrame.functionName);
      buckets.set(b, (buckets.get(b) ?? 0) + us);
      const short = n.callFrame.url.replace(/^.*\/(node_modules|src)\//, '$1/');
      const key = `${n.callFrame.functionName || '(anonymous)'} ${short}:${n.callFrame.lineNumber + 1}`;
      fns.set(key, (fns.get(key) ?? 0) + us);
    }
    const pct = (v: number) => `${((v / busy) * 100).toFixed(1).padStart(5)} %`;
    console.log(`\nCPU profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(busy / 1e6).toFixed(1)} s busy`);
    for (const [b, v] of [...buckets]
      .filter(([b]) => b !== '(idle)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12))
      console.log(`  ${pct(v)}  ${b}`);
    console.log('  top functions (self time):');
    for (const [f, v] of [...fns]
      .filter(([f]) => !f.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15))
      console.log(`  ${pct(v)}  ${f}`);
  }
}

if (require.main === module) summarizeProfiles(process.argv[2] ?? join(__dirname, '..', 'results', 'profiles'));
