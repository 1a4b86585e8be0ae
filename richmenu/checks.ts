/**
 * Pure checks of a rich menu definition and its image against LINE's limits
 * (specs/line.md §4–5). Used by the tests and by deploy, which refuses to upload a menu with any
 * problem: LINE would reject most of these anyway, but only after a menu was created (and rich
 * menu creation is rate limited to 100/hour).
 *
 * Every function returns a list of human-readable problems; empty means fine.
 */
import type { messagingApi } from '@line/bot-sdk';

export type RichMenuDefinition = messagingApi.RichMenuRequest;

export const MAX_IMAGE_BYTES = 1024 * 1024;
export const MAX_AREAS = 20;
export const MAX_CHAT_BAR_TEXT = 14;
export const MAX_NAME = 300;
export const MAX_DATA = 300;
export const ALIAS_ID = /^[a-z0-9_-]{1,32}$/;

export interface ImageInfo {
  type: 'image/png' | 'image/jpeg';
  width: number;
  height: number;
}

/** Reads the format and pixel size from a PNG or JPEG header; undefined for anything else. */
export function imageInfo(bytes: Uint8Array): ImageInfo | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pngSignature = '89504e470d0a1a0a';
  if (
    buf.length >= 24 &&
    buf.subarray(0, 8).toString('hex') === pngSignature &&
    buf.toString('ascii', 12, 16) === 'IHDR'
  ) {
    return { type: 'image/png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    // Walk the JPEG segments to the first start-of-frame marker, which holds the size.
    let at = 2;
    while (at + 9 < buf.length) {
      if (buf[at] !== 0xff) return undefined;
      const marker = buf[at + 1] ?? 0;
      const length = buf.readUInt16BE(at + 2);
      const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isSof) return { type: 'image/jpeg', height: buf.readUInt16BE(at + 5), width: buf.readUInt16BE(at + 7) };
      at += 2 + length;
    }
  }
  return undefined;
}

const chars = (s: string) => [...s].length;
const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n);

export function checkSize(size: RichMenuDefinition['size']): string[] {
  if (!size || !isInt(size.width) || !isInt(size.height)) return ['size: width and height must be integers'];
  const problems: string[] = [];
  if (size.width < 800 || size.width > 2500) problems.push(`size.width: must be 800–2500, got ${size.width}`);
  if (size.height < 250) problems.push(`size.height: must be at least 250, got ${size.height}`);
  if (size.width / size.height < 1.45) {
    problems.push(`size: width/height must be at least 1.45, got ${(size.width / size.height).toFixed(3)}`);
  }
  return problems;
}

export function checkAliasId(aliasId: string, where = 'alias'): string[] {
  return ALIAS_ID.test(aliasId) ? [] : [`${where}: "${aliasId}" must match [a-z0-9_-]{1,32}`];
}

function checkData(data: unknown, where: string): string[] {
  if (typeof data !== 'string' || data.length === 0) return [`${where}: postback data is required`];
  return chars(data) > MAX_DATA ? [`${where}: postback data must be at most ${MAX_DATA} characters`] : [];
}

export function checkAction(action: messagingApi.Action | undefined, where: string): string[] {
  if (!action) return [`${where}: missing`];
  switch (action.type) {
    case 'postback': {
      const a = action as messagingApi.PostbackAction;
      const problems = checkData(a.data, `${where}.data`);
      if (a.displayText !== undefined && chars(a.displayText) > MAX_DATA) {
        problems.push(`${where}.displayText: must be at most ${MAX_DATA} characters`);
      }
      return problems;
    }
    case 'richmenuswitch': {
      const a = action as messagingApi.RichMenuSwitchAction;
      return [
        ...checkData(a.data, `${where}.data`),
        ...checkAliasId(a.richMenuAliasId ?? '', `${where}.richMenuAliasId`),
      ];
    }
    case 'message': {
      const text = (action as messagingApi.MessageAction).text ?? '';
      return text.length === 0 || chars(text) > 300 ? [`${where}.text: must be 1–300 characters`] : [];
    }
    case 'uri': {
      const uri = (action as messagingApi.URIAction).uri ?? '';
      if (uri.length > 1000) return [`${where}.uri: must be at most 1000 characters`];
      return /^(https?|line|tel):/.test(uri) ? [] : [`${where}.uri: scheme must be http, https, line or tel`];
    }
    default:
      return [`${where}.type: "${action.type}" is not an action this shop uses in rich menus`];
  }
}

type Bounds = messagingApi.RichMenuBounds;

function overlaps(a: Required<Bounds>, b: Required<Bounds>): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function checkAreas(def: RichMenuDefinition): string[] {
  const areas = def.areas ?? [];
  const problems: string[] = [];
  if (areas.length === 0) problems.push('areas: at least one area is required');
  if (areas.length > MAX_AREAS) problems.push(`areas: at most ${MAX_AREAS}, got ${areas.length}`);
  const width = def.size?.width ?? 0;
  const height = def.size?.height ?? 0;
  const placed: Array<{ i: number; b: Required<Bounds> }> = [];
  areas.forEach((area, i) => {
    const where = `areas[${i}]`;
    problems.push(...checkAction(area.action, `${where}.action`));
    const b = area.bounds;
    if (!b || ![b.x, b.y, b.width, b.height].every(isInt)) {
      problems.push(`${where}.bounds: x, y, width and height must be integers`);
      return;
    }
    const bounds = b as Required<Bounds>;
    if (bounds.x < 0 || bounds.y < 0 || bounds.width < 1 || bounds.height < 1) {
      problems.push(`${where}.bounds: x, y must be ≥ 0 and width, height ≥ 1`);
    } else if (bounds.x + bounds.width > width || bounds.y + bounds.height > height) {
      problems.push(`${where}.bounds: extends outside the ${width}×${height} image`);
    }
    for (const other of placed) {
      if (overlaps(other.b, bounds)) problems.push(`${where}.bounds: overlaps areas[${other.i}]`);
    }
    placed.push({ i, b: bounds });
  });
  return problems;
}

export function checkDefinition(def: RichMenuDefinition): string[] {
  const problems = [...checkSize(def.size), ...checkAreas(def)];
  if (typeof def.selected !== 'boolean') problems.push('selected: must be true or false');
  const bar = def.chatBarText ?? '';
  if (bar.length === 0 || chars(bar) > MAX_CHAT_BAR_TEXT) {
    problems.push(`chatBarText: must be 1–${MAX_CHAT_BAR_TEXT} characters, got ${chars(bar)}`);
  }
  if (def.name !== undefined && (def.name.length === 0 || chars(def.name) > MAX_NAME)) {
    problems.push(`name: must be 1–${MAX_NAME} characters`);
  }
  return problems;
}

export function checkImage(def: RichMenuDefinition, image: Uint8Array): string[] {
  const info = imageInfo(image);
  if (!info) return ['image: not a PNG or JPEG file'];
  const problems: string[] = [];
  if (image.byteLength > MAX_IMAGE_BYTES) {
    problems.push(`image: ${image.byteLength} bytes is over the 1 MB limit (${MAX_IMAGE_BYTES})`);
  }
  if (info.width !== def.size?.width || info.height !== def.size?.height) {
    problems.push(
      `image: is ${info.width}×${info.height} pixels, the definition's size is ${def.size?.width}×${def.size?.height}`,
    );
  }
  return problems;
}

/** Everything about one menu: the definition, its image and its alias. */
export function checkMenu(def: RichMenuDefinition, image: Uint8Array, aliasId?: string): string[] {
  return [...checkDefinition(def), ...checkImage(def, image), ...(aliasId === undefined ? [] : checkAliasId(aliasId))];
}

export interface MenuSetEntry {
  key: string;
  definition: RichMenuDefinition;
  aliasId?: string;
  isDefault?: boolean;
}

/** Checks across menus: unique keys and aliases, one default, every richmenuswitch target deployed. */
export function checkMenuSet(menus: MenuSetEntry[]): string[] {
  const problems: string[] = [];
  const keys = new Set<string>();
  const aliases = new Set<string>();
  for (const m of menus) {
    if (!/^[a-z0-9_-]{1,40}$/.test(m.key)) problems.push(`menu key "${m.key}": must match [a-z0-9_-]{1,40}`);
    if (keys.has(m.key)) problems.push(`menu key "${m.key}": used twice`);
    keys.add(m.key);
    if (m.aliasId !== undefined) {
      if (aliases.has(m.aliasId)) problems.push(`alias "${m.aliasId}": used by two menus`);
      aliases.add(m.aliasId);
    }
  }
  if (menus.filter((m) => m.isDefault).length > 1) problems.push('only one menu can be the default');
  for (const m of menus) {
    (m.definition.areas ?? []).forEach((area, i) => {
      const action = area.action as messagingApi.RichMenuSwitchAction | undefined;
      if (action?.type === 'richmenuswitch' && action.richMenuAliasId && !aliases.has(action.richMenuAliasId)) {
        problems.push(`${m.key}: areas[${i}] switches to alias "${action.richMenuAliasId}", which no menu has`);
      }
    });
  }
  return problems;
}
