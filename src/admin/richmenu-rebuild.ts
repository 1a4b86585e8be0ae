/**
 * 重建圖文選單: renders the committed menu designs with the shop's current profile (name, words,
 * brand colour) and deploys them to the shop's LINE channel — what `npm run richmenu:build` and
 * `richmenu:deploy` do together, without touching the committed images. The deploy keeps menus
 * whose content did not change, so pressing it twice changes nothing the second time.
 */
import { renderMenuSvg, svgToPng } from '../../richmenu/build';
import { checkMenu } from '../../richmenu/checks';
import { type DeployReport, deployRichMenus } from '../../richmenu/deploy';
import { chatBarText, createRichMenuClients, type LineEndpoint } from '../../richmenu/line-deploy';
import { type MenuSpec, RICHMENU_DIR, readDefinition, readManifest } from '../../richmenu/menus';
import type { ShopProfile } from '../shop/profile';

export function renderMenus(profile: ShopProfile): MenuSpec[] {
  return readManifest(RICHMENU_DIR).map((entry) => {
    const base = readDefinition(RICHMENU_DIR, entry);
    const definition = { ...base, chatBarText: chatBarText(profile.name) };
    const image = svgToPng(renderMenuSvg(entry.key, definition, profile));
    const problems = checkMenu(definition, image, entry.aliasId);
    if (problems.length > 0) throw new Error(`rich menu ${entry.key}: ${problems.join('; ')}`);
    return { key: entry.key, definition, image, aliasId: entry.aliasId, isDefault: entry.default === true };
  });
}

export async function rebuildAndDeployRichMenus(line: LineEndpoint, profile: ShopProfile): Promise<DeployReport> {
  return deployRichMenus({ ...createRichMenuClients(line), menus: renderMenus(profile) });
}
