/**
 * Product images uploaded in the console: PNG or JPEG recognised by their first bytes (the file
 * name and the browser's content type are not trusted), at most 1 MB, stored under a name made
 * from the content's hash (the same picture twice is one file; no name chosen by the uploader
 * ever reaches the disk) and served by the media route at /media/uploads/<name>.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MAX_IMAGE_BYTES = 1024 * 1024;
export const UPLOADS_URL_PREFIX = '/media/uploads';

export function imageKind(bytes: Uint8Array): 'png' | 'jpg' | undefined {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  return undefined;
}

export class ImageRefused extends Error {}

/** Checks and stores the image; returns its URL path (/media/uploads/…). */
export async function storeProductImage(uploadDir: string, bytes: Buffer): Promise<string> {
  if (bytes.length === 0) throw new ImageRefused('請選擇一張圖片。');
  if (bytes.length > MAX_IMAGE_BYTES) throw new ImageRefused('圖片最大 1 MB，請縮小後再上傳。');
  const kind = imageKind(bytes);
  if (!kind) throw new ImageRefused('只接受 PNG 或 JPEG 圖片（檔案內容不是這兩種格式）。');
  const name = `${createHash('sha256').update(bytes).digest('hex').slice(0, 32)}.${kind}`;
  await mkdir(uploadDir, { recursive: true });
  await writeFile(join(uploadDir, name), bytes);
  return `${UPLOADS_URL_PREFIX}/${name}`;
}
