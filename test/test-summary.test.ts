/** `npm test` ends by saying whether the PostgreSQL suite ran (global-teardown's last line). */
const { summaryLine } = require('./support/global-teardown') as {
  summaryLine(env: Record<string, string | undefined>): string;
};

test('says RAN with the database (password hidden) or SKIPPED with the reason', () => {
  expect(summaryLine({ LINE_SHOP_TEST_PG: 'postgres://shop:secret@db.example:5432/postgres' })).toBe(
    'PostgreSQL suite: RAN against postgres://shop:***@db.example:5432/postgres',
  );
  const skipped = summaryLine({
    LINE_SHOP_TEST_PG: '',
    LINE_SHOP_TEST_PG_SKIPPED: '127.0.0.1:5432 unreachable: ECONNREFUSED',
  });
  expect(skipped).toMatch(
    /^PostgreSQL suite: SKIPPED \(127\.0\.0\.1:5432 unreachable: ECONNREFUSED\); only SQLite ran\./,
  );
  expect(summaryLine({})).toMatch(/^PostgreSQL suite: SKIPPED/);
});
