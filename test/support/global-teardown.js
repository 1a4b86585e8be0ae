// The last line of every `npm test`: whether the PostgreSQL half of the suite ran, so a green run
// that only covered SQLite can't pass for a full one. global-setup decided it and left the answer
// in the environment (this runs in the same process).

/** The URL without its password, as it may be printed. */
function redact(url) {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

function summaryLine(env) {
  if (env.LINE_SHOP_TEST_PG) return `PostgreSQL suite: RAN against ${redact(env.LINE_SHOP_TEST_PG)}`;
  const reason = env.LINE_SHOP_TEST_PG_SKIPPED || 'global setup did not run';
  return `PostgreSQL suite: SKIPPED (${reason}); only SQLite ran. Set TEST_POSTGRES_URL to a reachable database to run it.`;
}

module.exports = async function globalTeardown() {
  const line = summaryLine(process.env);
  if (process.env.LINE_SHOP_TEST_PG) console.log(`\n${line}`);
  else console.warn(`\n*** ${line} ***`);
};
module.exports.summaryLine = summaryLine;
