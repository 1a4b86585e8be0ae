module.exports = async function globalTeardown() {
  if (process.env.LINE_SHOP_TEST_PG_SKIPPED) {
    console.warn('\n*** PostgreSQL suite was SKIPPED (no database reachable); set TEST_POSTGRES_URL to run it. ***\n');
  }
};
