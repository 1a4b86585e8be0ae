import { hex } from '../ids';

export interface RichMenuObject {
  size: { width: number; height: number };
  selected: boolean;
  name: string;
  chatBarText: string;
  areas: { bounds: { x: number; y: number; width: number; height: number }; action: Record<string, unknown> }[];
}

export interface StoredRichMenu {
  richMenuId: string;
  menu: RichMenuObject;
  image?: { contentType: string; bytes: Buffer };
}

/**
 * Rich menus, their images, aliases, the default menu and per-user links. `switched` remembers a
 * menu a user switched to with a `richmenuswitch` area: in LINE that is a client-side change, and a
 * later API link/unlink for that user overrides it.
 */
export class RichMenuStore {
  private readonly menus = new Map<string, StoredRichMenu>();
  private readonly aliases = new Map<string, string>();
  private readonly links = new Map<string, string>();
  private readonly switched = new Map<string, string>();
  private defaultId: string | null = null;

  create(menu: RichMenuObject): StoredRichMenu {
    const stored: StoredRichMenu = { richMenuId: `richmenu-${hex(16)}`, menu };
    this.menus.set(stored.richMenuId, stored);
    return stored;
  }

  get(id: string): StoredRichMenu | undefined {
    return this.menus.get(id);
  }

  list(): StoredRichMenu[] {
    return [...this.menus.values()];
  }

  delete(id: string): boolean {
    if (!this.menus.delete(id)) return false;
    if (this.defaultId === id) this.defaultId = null;
    for (const map of [this.links, this.switched, this.aliases]) {
      for (const [key, value] of map) if (value === id) map.delete(key);
    }
    return true;
  }

  get defaultMenuId(): string | null {
    return this.defaultId;
  }

  setDefault(id: string | null): void {
    this.defaultId = id;
  }

  link(userId: string, id: string): void {
    this.links.set(userId, id);
    this.switched.delete(userId);
  }

  unlink(userId: string): void {
    this.links.delete(userId);
    this.switched.delete(userId);
  }

  linkedTo(userId: string): string | undefined {
    return this.links.get(userId);
  }

  switchTo(userId: string, id: string): void {
    this.switched.set(userId, id);
  }

  /** What the user's LINE app shows: a switched tab > a per-user link > the default. */
  displayedFor(userId: string): StoredRichMenu | undefined {
    const id = this.switched.get(userId) ?? this.links.get(userId) ?? this.defaultId;
    return id ? this.menus.get(id) : undefined;
  }

  setAlias(aliasId: string, richMenuId: string): void {
    this.aliases.set(aliasId, richMenuId);
  }

  alias(aliasId: string): string | undefined {
    return this.aliases.get(aliasId);
  }

  deleteAlias(aliasId: string): boolean {
    return this.aliases.delete(aliasId);
  }

  aliasList(): { richMenuAliasId: string; richMenuId: string }[] {
    return [...this.aliases].map(([richMenuAliasId, richMenuId]) => ({ richMenuAliasId, richMenuId }));
  }
}
