/**
 * Layers dependency-cruiser cannot see: SQL is built only in `src/db/` and in the repositories
 * (`*-repository.ts`, one per table or aggregate). A service, job, route or CLI that needs a new
 * query adds a function to the repository of that table instead. Rows are claimed with a lease
 * only through `src/db/lease.ts`. (Import directions are checked by dependency-cruiser in
 * `npm run lint`.)
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const ROOT = join(__dirname, '..');

/** What building a query looks like in kysely: a statement, raw SQL or a CTE. */
const QUERY_BUILDING: ReadonlyArray<[string, RegExp]> = [
  ['.selectFrom(', /\.selectFrom\(/],
  ['.insertInto(', /\.insertInto\(/],
  ['.updateTable(', /\.updateTable\(/],
  ['.deleteFrom(', /\.deleteFrom\(/],
  ['sql`', /\bsql(<[^>]*>)?`/],
  ['.with(', /\.with\(/],
];

function mayBuildQueries(path: string): boolean {
  return path.startsWith('src/db/') || path.endsWith('-repository.ts');
}

/** The files (paths relative to the repository, `/`-separated) that build queries where they may not. */
function queryBuildingOutsideRepositories(files: Array<{ path: string; text: string }>): string[] {
  const offenders: string[] = [];
  for (const { path, text } of files) {
    if (mayBuildQueries(path)) continue;
    const found: string[] = [];
    text.split('\n').forEach((line, i) => {
      for (const [name, pattern] of QUERY_BUILDING) if (pattern.test(line)) found.push(`${name} at line ${i + 1}`);
    });
    if (found.length > 0) offenders.push(`${path}: ${found.join(', ')}`);
  }
  return offenders;
}

function sourceFiles(): Array<{ path: string; text: string }> {
  return readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => {
      const abs = join(ROOT, 'src', f);
      return { path: relative(ROOT, abs).split(sep).join('/'), text: readFileSync(abs, 'utf8') };
    });
}

/** Files that lock rows themselves (FOR UPDATE / SKIP LOCKED) instead of using claimWithLease. */
function leasingOutsideHelper(files: Array<{ path: string; text: string }>): string[] {
  return files
    .filter((f) => f.path !== 'src/db/lease.ts' && /\.(forUpdate|skipLocked)\(/.test(f.text))
    .map((f) => f.path);
}

/** Files over this many lines must say why at their top (a line containing "Longer than 400 lines"). */
const MAX_LINES = 400;

function longFilesWithoutReason(files: Array<{ path: string; text: string }>): string[] {
  return files
    .filter((f) => f.text.split('\n').length > MAX_LINES)
    .filter((f) => !/Longer than 400 lines/.test(f.text.split('\n').slice(0, 20).join('\n')))
    .map((f) => `${f.path} (${f.text.split('\n').length} lines)`);
}

/** Every TypeScript file of the project outside node_modules and dist. */
function allTypeScript(): Array<{ path: string; text: string }> {
  return ['src', 'richmenu', 'db', 'bench', 'test'].flatMap((top) =>
    readdirSync(join(ROOT, top), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => {
        const abs = join(ROOT, top, f);
        return { path: relative(ROOT, abs).split(sep).join('/'), text: readFileSync(abs, 'utf8') };
      }),
  );
}

describe('layers', () => {
  it(`keeps files under ${MAX_LINES} lines, or says at the top why not`, () => {
    expect(longFilesWithoutReason(allTypeScript())).toEqual([]);
    const long = Array.from({ length: MAX_LINES + 1 }, () => 'x;').join('\n');
    expect(
      longFilesWithoutReason([
        { path: 'src/a.ts', text: long },
        { path: 'src/b.ts', text: `/** Longer than 400 lines: one table of data. */\n${long}` },
      ]),
    ).toEqual([`src/a.ts (${MAX_LINES + 1} lines)`]);
  });

  it('builds queries only in src/db and the repositories', () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(50);
    expect(queryBuildingOutsideRepositories(files)).toEqual([]);
  });

  it('claims rows with a lease only through src/db/lease.ts', () => {
    expect(leasingOutsideHelper(sourceFiles())).toEqual([]);
    expect(
      leasingOutsideHelper([
        { path: 'src/line/outbox-repository.ts', text: 'if (pg) due = due.forUpdate().skipLocked();' },
        { path: 'src/db/lease.ts', text: 'pick = pick.forUpdate().skipLocked();' },
      ]),
    ).toEqual(['src/line/outbox-repository.ts']);
  });

  it('names the files that build queries elsewhere (the check above can fail)', () => {
    const files = [
      { path: 'src/jobs/cleanup.ts', text: "import x;\nawait db.deleteFrom('outbox').execute();\n" },
      { path: 'src/shop/some-service.ts', text: 'const n = await sql<number>`select 1`.execute(db);' },
      { path: 'src/shop/stats.ts', text: "db.with('t', (q) => q).selectFrom('t')" },
      { path: 'src/shop/order-repository.ts', text: "db.selectFrom('orders')" },
      { path: 'src/db/lease.ts', text: "db.updateTable('orders')" },
      { path: 'src/shop/order-service.ts', text: 'await getOrder(db, 1);' },
    ];
    expect(queryBuildingOutsideRepositories(files)).toEqual([
      'src/jobs/cleanup.ts: .deleteFrom( at line 2',
      'src/shop/some-service.ts: sql` at line 1',
      'src/shop/stats.ts: .selectFrom( at line 1, .with( at line 1',
    ]);
  });
});
