/** What a scenario prints (a plain table) and saves (JSON under bench/results/, with the machine it ran on). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

export const RESULTS = join(__dirname, '..', 'results');
/** Where `--profile` has the shop processes write their .cpuprofile files. */
export const PROFILES = join(RESULTS, 'profiles');
export const MB = 1024 * 1024;

export type Row = Record<string, string | number | boolean | undefined>;

export function table(title: string, rows: Row[]): void {
  console.log(`\n${title}`);
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: Row[string]) => (v === undefined ? '' : typeof v === 'number' ? String(v) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padStart(widths[i]!)).join('  ');
  console.log(line(cols));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

export function save(name: string, data: unknown): void {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(RESULTS, `${name}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ scenario: name, machine: machine(), data }, null, 2)}\n`);
  console.log(`→ ${file}`);
}

export function machine() {
  return { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, platform: process.platform };
}

export const mb = (bytes: number) => Math.round(bytes / MB);
