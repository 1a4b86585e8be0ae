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
  if (config.mode === 'sandbox') {
    console.error(
      'note: no LINE_CHANNEL_SECRET set (sandbox mode); deploying to LINE_API_BASE_URL with the sandbox token.',
    );
  }
  console.log(`deploying rich menus to ${config.line.apiBaseUrl} (images: ${config.line.dataApiBaseUrl})`);
  const report = await deployShopRichMenus({ line: config.line, dryRun: argv.includes('--dry-run') });
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
      if (err.report) for (const line of formatReport(err.report)) console.error(`  ${line}`);
      if (!err.report?.changed) console.error('  nothing was switched: the previous menus stay in use.');
      else console.error('  partly applied: run it again to finish (new menus are kept, old ones cleaned up).');
    } else console.error(`richmenu:deploy failed: ${describeLineError(err)}`);
    process.exitCode = 1;
  },
);
