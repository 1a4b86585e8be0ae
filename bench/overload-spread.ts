/**
 * The spread of the overload scenario across runs, as README's table gives it: reads the last N
 * full runs (`bench/results/overload-*.json` with all three servers; shop-only runs are skipped)
 * and prints, per server and column, min–max over them.
 *
 *   npm run bench:spread            # the last 3 full runs
 *   npm run bench:spread -- 5       # the last 5
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS, type Row, table } from './support/output';

interface Saved {
  data: { rows: Row[] };
}

const wanted = Number(process.argv[2] ?? 3);
if (!Number.isSafeInteger(wanted) || wanted < 1) {
  console.error('usage: npm run bench:spread -- [number of runs, default 3]');
  process.exit(2);
}

const files = readdirSync(RESULTS)
  .filter((f) => /^overload-.*\.json$/.test(f))
  .sort()
  .map((f) => ({ file: f, saved: JSON.parse(readFileSync(join(RESULTS, f), 'utf8')) as Saved }))
  .filter(({ saved }) => saved.data.rows.length >= 3)
  .slice(-wanted);
if (files.length === 0) {
  console.error('no full overload run in bench/results: run `npm run build && npm run bench -- overload` first');
  process.exit(1);
}

/** "min–max" of numbers (one value when they agree); texts are listed when they differ. */
function spread(values: Row[string][]): string {
  const present = values.filter((v) => v !== undefined && v !== '');
  if (present.length === 0) return '';
  if (present.every((v) => typeof v === 'number')) {
    const nums = present as number[];
    const [lo, hi] = [Math.min(...nums), Math.max(...nums)];
    return lo === hi ? String(lo) : `${lo}–${hi}`;
  }
  return [...new Set(present.map(String))].join(' / ');
}

const servers = [...new Set(files.flatMap(({ saved }) => saved.data.rows.map((r) => String(r.server))))];
const columns = [...new Set(files.flatMap(({ saved }) => saved.data.rows.flatMap((r) => Object.keys(r))))].filter(
  (c) => c !== 'server',
);
const rows: Row[] = servers.map((server) => {
  const mine = files.map(({ saved }) => saved.data.rows.find((r) => r.server === server));
  return { server, ...Object.fromEntries(columns.map((c) => [c, spread(mine.map((r) => r?.[c]))])) };
});
table(`Overload scenario, min–max over ${files.length} full runs (${files.map((f) => f.file).join(', ')})`, rows);
