// Decides, once per `npm test`, whether the PostgreSQL suite runs. In CI (CI=true) or with
// REQUIRE_POSTGRES=1 an unreachable database fails the run instead of skipping it.
const { Client } = require('pg');

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

module.exports = async function globalSetup() {
  const url = process.env.TEST_POSTGRES_URL || DEFAULT_URL;
  const required = process.env.CI === 'true' || process.env.REQUIRE_POSTGRES === '1';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    process.env.LINE_SHOP_TEST_PG = url;
    process.env.LINE_SHOP_TEST_PG_SKIPPED = '';
  } catch (err) {
    if (required) {
      throw new Error(`PostgreSQL is required for this run but ${url} is unreachable: ${err.message}`);
    }
    process.env.LINE_SHOP_TEST_PG = '';
    const shown = url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
    process.env.LINE_SHOP_TEST_PG_SKIPPED = `${shown} unreachable: ${err.message}`;
    console.warn(`\n*** PostgreSQL suite SKIPPED: ${shown} unreachable (${err.message}). Only SQLite ran. ***\n`);
  } finally {
    await client.end().catch(() => {});
  }
};
