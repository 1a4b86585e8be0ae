import { validateAction } from './action-validator';
import { charLength, IssueList, isPlainObject, lengthMessage, MUST_BE_SPECIFIED, sizeMessage } from './issues';

export const RICH_MENU_ALIAS_PATTERN = /^[a-z0-9_-]{1,32}$/;

/** Checks a rich menu object as `POST /v2/bot/richmenu` and `/validate` do. */
export function validateRichMenu(menu: unknown): { property: string; message: string }[] {
  const issues = new IssueList();
  if (!isPlainObject(menu)) {
    issues.add('', MUST_BE_SPECIFIED);
    return issues.items;
  }
  const size = menu.size;
  let width = 0;
  let height = 0;
  if (!isPlainObject(size) || !Number.isInteger(size.width) || !Number.isInteger(size.height)) {
    issues.add('size', MUST_BE_SPECIFIED);
  } else {
    width = Number(size.width);
    height = Number(size.height);
    if (width < 800 || width > 2500) issues.add('size.width', 'must be between 800 and 2500');
    if (height < 250) issues.add('size.height', 'must be at least 250');
    if (height > 0 && width / height < 1.45) issues.add('size', 'width/height ratio must be at least 1.45');
  }
  if (typeof menu.selected !== 'boolean') issues.add('selected', MUST_BE_SPECIFIED);
  if (typeof menu.name !== 'string' || menu.name.length === 0) issues.add('name', MUST_BE_SPECIFIED);
  else if (charLength(menu.name) > 300) issues.add('name', lengthMessage(1, 300));
  if (typeof menu.chatBarText !== 'string' || menu.chatBarText.length === 0)
    issues.add('chatBarText', MUST_BE_SPECIFIED);
  else if (charLength(menu.chatBarText) > 14) issues.add('chatBarText', lengthMessage(1, 14));

  if (!Array.isArray(menu.areas)) {
    issues.add('areas', MUST_BE_SPECIFIED);
    return issues.items;
  }
  if (menu.areas.length > 20) issues.add('areas', sizeMessage(0, 20));
  menu.areas.forEach((area, index) => {
    const at = `areas[${index}]`;
    if (!isPlainObject(area)) {
      issues.add(at, MUST_BE_SPECIFIED);
      return;
    }
    const bounds = area.bounds;
    if (!isPlainObject(bounds) || !['x', 'y', 'width', 'height'].every((key) => Number.isInteger(bounds[key]))) {
      issues.add(`${at}.bounds`, MUST_BE_SPECIFIED);
    } else {
      const x = Number(bounds.x);
      const y = Number(bounds.y);
      const w = Number(bounds.width);
      const h = Number(bounds.height);
      if (x < 0 || y < 0 || w < 1 || h < 1 || (width > 0 && (x + w > width || y + h > height))) {
        issues.add(`${at}.bounds`, 'area must be inside the rich menu');
      }
    }
    validateAction(area.action, 'richMenu', (path, message) => {
      issues.add([`${at}.action`, ...path].join('.'), message);
    });
  });
  return issues.items;
}
