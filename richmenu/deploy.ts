/**
 * Deploys the rich menus to LINE idempotently (see plan.ts for how menus are identified).
 *
 * Order, chosen so a failure never leaves users without a working menu:
 *   1. check every menu locally (refuse before touching LINE);
 *   2. create each new menu and upload its image; if any step fails, delete what this run made
 *      and stop: the previous menus, default and aliases are untouched;
 *   3. point the default and the aliases at the new menus;
 *   4. only then delete older versions.
 * A run that dies in step 3 or 4 is healed by the next run (the new menus are then "kept").
 */
import type { messagingApi } from '@line/bot-sdk';
import { checkMenu, checkMenuSet, MAX_NAME } from './checks';
import { describeLineError, isNotFound } from './line-errors';
import type { MenuSpec } from './menus';
import { contentHash, isNoop, menuName, type Plan, planDeploy, type RemoteState } from './plan';

/** The pino-style subset of a logger this uses (the shop's Logger satisfies it). */
export interface DeployLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type RichMenuApi = Pick<
  messagingApi.MessagingApiClient,
  | 'getRichMenuList'
  | 'getRichMenuAliasList'
  | 'getDefaultRichMenuId'
  | 'validateRichMenuObject'
  | 'createRichMenu'
  | 'deleteRichMenu'
  | 'setDefaultRichMenu'
  | 'createRichMenuAlias'
  | 'updateRichMenuAlias'
>;
export type RichMenuBlobApi = Pick<messagingApi.MessagingApiBlobClient, 'setRichMenuImage' | 'getRichMenuImage'>;

export interface DeployOptions {
  client: RichMenuApi;
  blobClient: RichMenuBlobApi;
  menus: MenuSpec[];
  dryRun?: boolean;
  logger?: DeployLogger;
}

export interface DeployReport {
  dryRun: boolean;
  plan: Plan;
  /** Per menu: kept as is, created (first time) or replaced (a new version of an existing key). */
  menus: Array<{ key: string; name: string; status: 'kept' | 'created' | 'replaced'; richMenuId?: string }>;
  defaultRichMenuId?: string;
  aliases: Array<{ aliasId: string; status: 'kept' | 'created' | 'updated'; richMenuId?: string }>;
  deleted: Array<{ richMenuId: string; name: string }>;
  /** Non-fatal trouble (e.g. an old menu that could not be deleted; the next run retries). */
  warnings: string[];
  changed: boolean;
}

export class RichMenuDeployError extends Error {
  constructor(
    message: string,
    readonly report?: DeployReport,
    readonly problems: string[] = [],
  ) {
    super(message);
    this.name = 'RichMenuDeployError';
  }
}

const silent: DeployLogger = { info() {}, warn() {}, error() {} };

function imageType(image: Uint8Array): string {
  return image[0] === 0xff && image[1] === 0xd8 ? 'image/jpeg' : 'image/png';
}

/** Every problem with the menus as given; deploy uploads nothing unless this is empty. */
export function localProblems(menus: MenuSpec[]): string[] {
  const problems = menus.flatMap((m) => checkMenu(m.definition, m.image, m.aliasId).map((p) => `${m.key}: ${p}`));
  problems.push(...checkMenuSet(menus));
  for (const m of menus) {
    if (menuName(m.key, '0'.repeat(12)).length > MAX_NAME) problems.push(`${m.key}: key too long for a menu name`);
  }
  return problems;
}

async function hasImage(blobClient: RichMenuBlobApi, richMenuId: string): Promise<boolean> {
  try {
    const stream = await blobClient.getRichMenuImage(richMenuId);
    stream.destroy();
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

/** Reads what LINE has. Only menus with the wanted exact names get their image checked (a download each). */
async function readRemote(opts: DeployOptions, wantedNames: Set<string>): Promise<RemoteState> {
  const { client, blobClient } = opts;
  const list = (await client.getRichMenuList()).richmenus;
  const menus = [];
  for (const m of list) {
    const image = wantedNames.has(m.name) ? await hasImage(blobClient, m.richMenuId) : true;
    menus.push({ richMenuId: m.richMenuId, name: m.name, hasImage: image });
  }
  const aliases = new Map(
    ((await client.getRichMenuAliasList()).aliases ?? []).map((a) => [a.richMenuAliasId, a.richMenuId] as const),
  );
  let defaultRichMenuId: string | undefined;
  try {
    defaultRichMenuId = (await client.getDefaultRichMenuId()).richMenuId;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  return { menus, aliases, defaultRichMenuId };
}

export async function deployRichMenus(opts: DeployOptions): Promise<DeployReport> {
  const { client, blobClient, dryRun = false } = opts;
  const logger = opts.logger ?? silent;

  const problems = localProblems(opts.menus);
  if (problems.length > 0) {
    throw new RichMenuDeployError(
      `refusing to deploy invalid rich menus:\n  ${problems.join('\n  ')}`,
      undefined,
      problems,
    );
  }
  const wanted = opts.menus.map((m) => ({ ...m, name: menuName(m.key, contentHash(m.definition, m.image)) }));
  let plan: Plan = { menus: [], aliases: [], deletes: [], stale: [] };
  const report: DeployReport = { dryRun, plan, menus: [], aliases: [], deleted: [], warnings: [], changed: false };
  /** Runs one LINE call; a failure becomes an error naming the step and LINE's reason. */
  const step = async <T>(what: string, call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw new RichMenuDeployError(`${what}: ${describeLineError(err)}`, report);
    }
  };
  const remote = await step('reading the rich menus on LINE', () =>
    readRemote(opts, new Set(wanted.map((w) => w.name))),
  );
  plan = planDeploy(wanted, remote);
  report.plan = plan;
  for (const s of plan.stale) report.warnings.push(`${s.name} (${s.richMenuId}) is not in the manifest; left alone`);

  const specByKey = new Map(wanted.map((w) => [w.key, w]));
  const idByKey = new Map(plan.menus.filter((m) => m.richMenuId).map((m) => [m.key, m.richMenuId as string]));
  const statusOf = (m: Plan['menus'][number]) =>
    m.action === 'keep' ? 'kept' : m.replaces.length > 0 ? 'replaced' : 'created';

  if (dryRun) {
    // Ask LINE to validate what would be created: read-only, and catches what local checks miss.
    for (const m of plan.menus.filter((x) => x.action === 'create')) {
      const spec = specByKey.get(m.key)!;
      await step(`validating ${m.key}`, () => client.validateRichMenuObject({ ...spec.definition, name: m.name }));
    }
    report.menus = plan.menus.map((m) => ({ key: m.key, name: m.name, status: statusOf(m), richMenuId: m.richMenuId }));
    report.aliases = plan.aliases.map((a) => ({
      aliasId: a.aliasId,
      status: a.action === 'keep' ? 'kept' : a.action === 'create' ? 'created' : 'updated',
      richMenuId: idByKey.get(a.key),
    }));
    report.defaultRichMenuId = remote.defaultRichMenuId;
    report.changed = !isNoop(plan);
    return report;
  }

  // 2. Create and upload; roll back this run's menus on any failure.
  const createdNow: string[] = [];
  try {
    for (const m of plan.menus.filter((x) => x.action === 'create')) {
      const spec = specByKey.get(m.key)!;
      const request = { ...spec.definition, name: m.name };
      await step(`validating ${m.key}`, () => client.validateRichMenuObject(request));
      const { richMenuId } = await step(`creating ${m.key}`, () => client.createRichMenu(request));
      createdNow.push(richMenuId);
      logger.info({ key: m.key, richMenuId, name: m.name }, 'rich menu created');
      const blob = new Blob([new Uint8Array(spec.image)], { type: imageType(spec.image) });
      await step(`uploading the image of ${m.key}`, () => blobClient.setRichMenuImage(richMenuId, blob));
      idByKey.set(m.key, richMenuId);
      m.richMenuId = richMenuId;
    }
  } catch (err) {
    for (const id of createdNow) {
      try {
        await client.deleteRichMenu(id);
        logger.info({ richMenuId: id }, 'rolled back half-made rich menu');
      } catch (cleanupErr) {
        report.warnings.push(`could not delete half-made menu ${id}: ${describeLineError(cleanupErr)}`);
      }
    }
    logger.error(
      { err: err instanceof Error ? err.message : String(err) },
      'rich menu deploy failed; nothing switched',
    );
    throw err;
  }
  report.menus = plan.menus.map((m) => ({ key: m.key, name: m.name, status: statusOf(m), richMenuId: m.richMenuId }));
  report.changed = createdNow.length > 0;

  // 3. Switch the default and the aliases to the new menus.
  if (plan.setDefault) {
    const id = idByKey.get(plan.setDefault.key)!;
    await step(`setting ${plan.setDefault.key} as the default`, () => client.setDefaultRichMenu(id));
    logger.info({ key: plan.setDefault.key, richMenuId: id, from: plan.setDefault.from }, 'default rich menu set');
    report.changed = true;
  }
  report.defaultRichMenuId = plan.setDefault ? idByKey.get(plan.setDefault.key) : remote.defaultRichMenuId;
  for (const a of plan.aliases) {
    const richMenuId = idByKey.get(a.key)!;
    if (a.action === 'create') {
      await step(`creating alias ${a.aliasId}`, () =>
        client.createRichMenuAlias({ richMenuAliasId: a.aliasId, richMenuId }),
      );
    } else if (a.action === 'update') {
      await step(`updating alias ${a.aliasId}`, () => client.updateRichMenuAlias(a.aliasId, { richMenuId }));
    }
    if (a.action !== 'keep') {
      logger.info({ aliasId: a.aliasId, richMenuId, from: a.from }, `rich menu alias ${a.action}d`);
      report.changed = true;
    }
    report.aliases.push({
      aliasId: a.aliasId,
      status: a.action === 'keep' ? 'kept' : a.action === 'create' ? 'created' : 'updated',
      richMenuId,
    });
  }

  // 4. Delete what the new menus replaced. A failure here is only untidiness: warn, retry next run.
  for (const d of plan.deletes) {
    try {
      await client.deleteRichMenu(d.richMenuId);
      report.deleted.push({ richMenuId: d.richMenuId, name: d.name });
      logger.info({ richMenuId: d.richMenuId, name: d.name }, 'old rich menu deleted');
      report.changed = true;
    } catch (err) {
      report.warnings.push(`could not delete old menu ${d.name} (${d.richMenuId}): ${describeLineError(err)}`);
    }
  }
  for (const w of report.warnings) logger.warn({}, w);
  return report;
}

/** The report as lines for a terminal. */
export function formatReport(report: DeployReport): string[] {
  const verb = report.dryRun ? 'would be ' : '';
  const lines = report.dryRun ? ['dry run: nothing was changed on LINE'] : [];
  for (const m of report.menus) {
    const replaced = report.plan.menus.find((p) => p.key === m.key)?.replaces.map((r) => r.name) ?? [];
    lines.push(
      `menu ${m.key}: ${m.status === 'kept' ? 'kept' : verb + m.status} ${m.name}${m.richMenuId ? ` (${m.richMenuId})` : ''}${
        replaced.length ? ` replacing ${replaced.join(', ')}` : ''
      }`,
    );
  }
  if (report.plan.setDefault) lines.push(`default: ${verb}set to ${report.plan.setDefault.key}`);
  else if (report.defaultRichMenuId) lines.push(`default: kept (${report.defaultRichMenuId})`);
  for (const a of report.aliases) {
    lines.push(
      `alias ${a.aliasId}: ${a.status === 'kept' ? 'kept' : verb + a.status}${a.richMenuId ? ` → ${a.richMenuId}` : ''}`,
    );
  }
  const deletes = report.dryRun ? report.plan.deletes : report.deleted;
  for (const d of deletes) lines.push(`deleted: ${report.dryRun ? '(would be) ' : ''}${d.name} (${d.richMenuId})`);
  for (const w of report.warnings) lines.push(`warning: ${w}`);
  lines.push(report.changed ? (report.dryRun ? 'changes pending' : 'done') : 'up to date: nothing to do');
  return lines;
}
