/**
 * Deciding what a deploy must do, as a pure function of the wanted menus and what LINE has.
 *
 * Identity: each menu's LINE `name` is `line-shop:<key>:<hash12>`, where the hash covers the
 * definition and the image bytes. The same name on LINE means "this exact menu is already there";
 * the same key with another hash is an older version to replace.
 */
import { createHash } from 'node:crypto';
import type { RichMenuDefinition } from './checks';
import type { MenuSpec } from './menus';

export const NAME_PREFIX = 'line-shop';

/** JSON with object keys sorted, so reformatting a definition file does not change its hash. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(definition: RichMenuDefinition, image: Uint8Array): string {
  const { name: _ignored, ...rest } = definition;
  return createHash('sha256').update(canonicalJson(rest)).update('\n').update(image).digest('hex').slice(0, 12);
}

export function menuName(key: string, hash: string): string {
  return `${NAME_PREFIX}:${key}:${hash}`;
}

/** The key of a menu this tool deployed, or undefined for menus made by anyone else. */
export function keyOfName(name: string): string | undefined {
  const m = /^line-shop:([a-z0-9_-]+):[0-9a-f]{12}$/.exec(name);
  return m?.[1];
}

export interface RemoteMenu {
  richMenuId: string;
  name: string;
  /** False when the menu exists but its image was never uploaded (a deploy died half-way). */
  hasImage: boolean;
}

export interface RemoteState {
  menus: RemoteMenu[];
  aliases: Map<string, string>;
  defaultRichMenuId?: string;
}

export interface MenuStep {
  key: string;
  name: string;
  /** keep: the exact menu is on LINE; create: make it (replacing `replaces`, if any). */
  action: 'keep' | 'create';
  richMenuId?: string;
  replaces: RemoteMenu[];
}

export interface AliasStep {
  aliasId: string;
  key: string;
  action: 'keep' | 'create' | 'update';
  from?: string;
}

export interface Plan {
  menus: MenuStep[];
  /** Set when the default must change to this menu key. */
  setDefault?: { key: string; from?: string };
  aliases: AliasStep[];
  /** Deleted after the switch: older versions, duplicates and half-made copies of our menus. */
  deletes: Array<RemoteMenu & { key: string }>;
  /** Our menus whose key is no longer in the manifest: reported, left alone. */
  stale: RemoteMenu[];
}

export function planDeploy(wanted: Array<MenuSpec & { name: string }>, remote: RemoteState): Plan {
  const plan: Plan = { menus: [], aliases: [], deletes: [], stale: [] };
  const idByKey = new Map<string, string | undefined>();
  for (const spec of wanted) {
    const sameKey = remote.menus.filter((m) => keyOfName(m.name) === spec.key);
    const keep = sameKey.find((m) => m.name === spec.name && m.hasImage);
    const others = sameKey.filter((m) => m !== keep);
    plan.menus.push(
      keep
        ? { key: spec.key, name: spec.name, action: 'keep', richMenuId: keep.richMenuId, replaces: [] }
        : { key: spec.key, name: spec.name, action: 'create', replaces: others.filter((m) => m.name !== spec.name) },
    );
    plan.deletes.push(...others.map((m) => ({ ...m, key: spec.key })));
    idByKey.set(spec.key, keep?.richMenuId);
  }
  const wantedKeys = new Set(wanted.map((s) => s.key));
  plan.stale = remote.menus.filter((m) => {
    const key = keyOfName(m.name);
    return key !== undefined && !wantedKeys.has(key);
  });

  const defaultSpec = wanted.find((s) => s.isDefault);
  if (defaultSpec) {
    const target = idByKey.get(defaultSpec.key);
    if (target === undefined || remote.defaultRichMenuId !== target) {
      plan.setDefault = { key: defaultSpec.key, from: remote.defaultRichMenuId };
    }
  }
  for (const spec of wanted) {
    if (spec.aliasId === undefined) continue;
    const current = remote.aliases.get(spec.aliasId);
    const target = idByKey.get(spec.key);
    const action = current === undefined ? 'create' : current === target ? 'keep' : 'update';
    plan.aliases.push({ aliasId: spec.aliasId, key: spec.key, action, from: current });
  }
  return plan;
}

/** True when running the plan would change nothing on LINE. */
export function isNoop(plan: Plan): boolean {
  return (
    plan.menus.every((m) => m.action === 'keep') &&
    plan.setDefault === undefined &&
    plan.aliases.every((a) => a.action === 'keep') &&
    plan.deletes.length === 0
  );
}
