/**
 * Reads `richmenu/manifest.json`: which menus exist, where their definition and image live, their
 * alias and which one is the default. The definitions themselves are plain LINE rich menu objects
 * (without `name`: deploy writes the name, because it carries the content hash).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { RichMenuDefinition } from './checks';

export const RICHMENU_DIR = resolve(__dirname);

export interface ManifestEntry {
  key: string;
  definition: string;
  image: string;
  aliasId?: string;
  default?: boolean;
}

export interface MenuSpec {
  key: string;
  definition: RichMenuDefinition;
  image: Uint8Array;
  aliasId?: string;
  isDefault?: boolean;
}

export function readManifest(dir = RICHMENU_DIR): ManifestEntry[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { menus?: ManifestEntry[] };
  if (!Array.isArray(manifest.menus)) throw new Error(`${join(dir, 'manifest.json')}: "menus" must be an array`);
  return manifest.menus;
}

export function readDefinition(dir: string, entry: ManifestEntry): RichMenuDefinition {
  return JSON.parse(readFileSync(join(dir, entry.definition), 'utf8')) as RichMenuDefinition;
}

/** Loads every menu with its built image. Images are committed, so this needs no font or build step. */
export function loadMenus(dir = RICHMENU_DIR): MenuSpec[] {
  return readManifest(dir).map((entry) => ({
    key: entry.key,
    definition: readDefinition(dir, entry),
    image: readFileSync(join(dir, entry.image)),
    aliasId: entry.aliasId,
    isDefault: entry.default === true,
  }));
}
