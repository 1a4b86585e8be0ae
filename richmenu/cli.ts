/**
 * `npm run richmenu:deploy [-- --dry-run]`: deploys the committed rich menus to the LINE channel
 * in the config (.env / environment), or prints the plan without changing anything.
 */
import { ConfigError, environmentWithDotEnv, loadConfig } from '../src/config';
import { formatReport, RichMenuDeployError } from './deploy';
import { deployShopRichMenus } from './line-deploy';
import { describeLineError } from './line-errors';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--dry-run');
  if (unknown.length > 0) {
    console.error(`unknown option(s): ${unknown.join(' ')}\nusage: npm run richmenu:deploy [-- --dry-run]`);
    return 2;
  }
  const config = loadConfig(environmentWithDotEnv());
  if (config.mode === 'sandbox' && config.line.apiBaseUrl === 'https://api.line.me') {
    // The sandbox token would only earn a 401 from the real LINE.
    console.error(
      'richmenu:deploy: no LINE credentials. Set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN to deploy to LINE,\n' +
        'or LINE_API_BASE_URL and LINE_DATA_API_BASE_URL to deploy to a LINE simulator.',
    );
    return 1;
  }
  console.log(`deploying rich menus to ${config.line.apiBaseUrl} (images: ${config.line.dataApiBaseUrl})`);
  const report = await deployShopRichMenus({
    line: config.line,
    shopName: config.shopName,
    dryRun: argv.includes('--dry-run'),
  });
  for (const line of formatReport(report)) console.log(line);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(`config: ${err.message}`);
    else if (err instanceof RichMenuDeployError) {
      console.error(`richmenu:deploy failed: ${err.message}`);
      // The report is worth printing only once the plan was made (the error came from LINE, later).
      if (err.report && err.report.plan.menus.length > 0) {
        for (const line of formatReport(err.report)) console.error(`  ${line}`);
      }
      if (!err.report?.changed) console.error('  nothing was switched: the previous menus stay in use.');
      else console.error('  partly applied: run it again to finish (new menus are kept, old ones cleaned up).');
    } else console.error(`richmenu:deploy failed: ${describeLineError(err)}`);
    process.exitCode = 1;
  },
);
