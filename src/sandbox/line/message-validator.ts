import { validateAction } from './validation/action-validator';
import { type FlexOptions, validateFlexContainer } from './validation/flex-validator';
import {
  charLength,
  IssueList,
  isPlainObject,
  lengthMessage,
  MUST_BE_SPECIFIED,
  sizeMessage,
  type ValidationIssue,
} from './validation/issues';

export type { ValidationIssue } from './validation/issues';

export type MessageValidationOptions = FlexOptions;

const MAX_TEXT = 5000;
const MAX_FLEX_ALT_TEXT = 1500;
const MAX_TEMPLATE_ALT_TEXT = 400;
const MAX_QUICK_REPLY_ITEMS = 13;

function checkHttpsUrl(issues: IssueList, value: unknown, property: string, options: FlexOptions): void {
  if (typeof value !== 'string' || value.length === 0) {
    issues.add(property, MUST_BE_SPECIFIED);
    return;
  }
  if (value.length > 2000) issues.add(property, lengthMessage(1, 2000));
  const allowed = options.allowHttpImages ? /^https?:\/\//i : /^https:\/\//i;
  if (!allowed.test(value)) issues.add(property, 'must be an HTTPS URL');
}

function checkQuickReply(issues: IssueList, quickReply: unknown, at: string, options: FlexOptions): void {
  if (!isPlainObject(quickReply) || !Array.isArray(quickReply.items)) {
    issues.add(`${at}.items`, MUST_BE_SPECIFIED);
    return;
  }
  const items = quickReply.items;
  if (items.length < 1 || items.length > MAX_QUICK_REPLY_ITEMS) {
    issues.add(`${at}.items`, sizeMessage(1, MAX_QUICK_REPLY_ITEMS));
  }
  items.forEach((item, index) => {
    const itemAt = `${at}.items[${index}]`;
    if (!isPlainObject(item)) {
      issues.add(itemAt, MUST_BE_SPECIFIED);
      return;
    }
    if (item.type !== 'action') issues.add(`${itemAt}.type`, MUST_BE_SPECIFIED);
    if (item.imageUrl !== undefined) checkHttpsUrl(issues, item.imageUrl, `${itemAt}.imageUrl`, options);
    validateAction(item.action, 'quickReply', (path, message) => {
      issues.add([`${itemAt}.action`, ...path].join('.'), message);
    });
  });
}

function checkTemplate(issues: IssueList, template: unknown, at: string): void {
  if (!isPlainObject(template)) {
    issues.add(at, MUST_BE_SPECIFIED);
    return;
  }
  const actionLists: { actions: unknown; at: string }[] = [];
  if (template.type === 'buttons' || template.type === 'confirm') {
    if (typeof template.text !== 'string') issues.add(`${at}.text`, MUST_BE_SPECIFIED);
    actionLists.push({ actions: template.actions, at: `${at}.actions` });
  } else if (template.type === 'carousel' || template.type === 'image_carousel') {
    if (!Array.isArray(template.columns)) issues.add(`${at}.columns`, MUST_BE_SPECIFIED);
    else
      template.columns.forEach((column, index) => {
        const columnAt = `${at}.columns[${index}]`;
        if (template.type === 'image_carousel') actionLists.push({ actions: [column?.action], at: columnAt });
        else
          actionLists.push({ actions: isPlainObject(column) ? column.actions : undefined, at: `${columnAt}.actions` });
      });
  } else {
    issues.add(`${at}.type`, MUST_BE_SPECIFIED);
  }
  for (const list of actionLists) {
    if (!Array.isArray(list.actions)) {
      issues.add(list.at, MUST_BE_SPECIFIED);
      continue;
    }
    list.actions.forEach((action, index) => {
      validateAction(action, 'template', (path, message) => {
        issues.add([`${list.at}[${index}]`, ...path].join('.'), message);
      });
    });
  }
}

function checkMessage(issues: IssueList, message: unknown, index: number, options: FlexOptions): void {
  const at = `messages[${index}]`;
  if (!isPlainObject(message)) {
    issues.add(at, MUST_BE_SPECIFIED);
    return;
  }
  switch (message.type) {
    case 'text':
    case 'textV2':
      if (typeof message.text !== 'string' || message.text.length === 0) issues.add(`${at}.text`, MUST_BE_SPECIFIED);
      else if (charLength(message.text) > MAX_TEXT) issues.add(`${at}.text`, lengthMessage(1, MAX_TEXT));
      break;
    case 'flex':
      if (typeof message.altText !== 'string' || message.altText.length === 0) {
        issues.add(`${at}.altText`, MUST_BE_SPECIFIED);
      } else if (charLength(message.altText) > MAX_FLEX_ALT_TEXT) {
        issues.add(`${at}.altText`, lengthMessage(1, MAX_FLEX_ALT_TEXT));
      }
      if (message.contents === undefined) issues.add(`${at}.contents`, MUST_BE_SPECIFIED);
      else validateFlexContainer(message.contents, (pointer, text) => issues.addFlex(index, pointer, text), options);
      break;
    case 'template':
      if (typeof message.altText !== 'string' || message.altText.length === 0) {
        issues.add(`${at}.altText`, MUST_BE_SPECIFIED);
      } else if (charLength(message.altText) > MAX_TEMPLATE_ALT_TEXT) {
        issues.add(`${at}.altText`, lengthMessage(1, MAX_TEMPLATE_ALT_TEXT));
      }
      checkTemplate(issues, message.template, `${at}.template`);
      break;
    case 'image':
      checkHttpsUrl(issues, message.originalContentUrl, `${at}.originalContentUrl`, options);
      checkHttpsUrl(issues, message.previewImageUrl, `${at}.previewImageUrl`, options);
      break;
    case 'sticker':
      if (message.packageId === undefined) issues.add(`${at}.packageId`, MUST_BE_SPECIFIED);
      if (message.stickerId === undefined) issues.add(`${at}.stickerId`, MUST_BE_SPECIFIED);
      break;
    case 'location':
      for (const key of ['title', 'address', 'latitude', 'longitude']) {
        if (message[key] === undefined) issues.add(`${at}.${key}`, MUST_BE_SPECIFIED);
      }
      break;
    case 'video':
    case 'audio':
    case 'imagemap':
    case 'coupon':
      break;
    case undefined:
      issues.add(`${at}.type`, MUST_BE_SPECIFIED);
      break;
    default:
      issues.add(`${at}.type`, `unsupported message type: ${String(message.type)}`);
  }
  if (message.quickReply !== undefined) checkQuickReply(issues, message.quickReply, `${at}.quickReply`, options);
  if (message.sender !== undefined) {
    const sender = message.sender;
    if (!isPlainObject(sender)) issues.add(`${at}.sender`, MUST_BE_SPECIFIED);
    else {
      if (typeof sender.name === 'string' && charLength(sender.name) > 20) {
        issues.add(`${at}.sender.name`, lengthMessage(1, 20));
      }
      if (sender.iconUrl !== undefined) checkHttpsUrl(issues, sender.iconUrl, `${at}.sender.iconUrl`, options);
    }
  }
}

/**
 * Checks a `messages` array the way the Messaging API does for reply and push: 1–5 messages, text
 * ≤ 5000, Flex structure and limits, actions, quick replies. Returns [] when LINE would accept it.
 * The shop's tests call this on every message they build.
 */
export function validateMessages(messages: unknown, options: MessageValidationOptions = {}): ValidationIssue[] {
  const issues = new IssueList();
  if (!Array.isArray(messages)) {
    issues.add('messages', MUST_BE_SPECIFIED);
    return issues.items;
  }
  if (messages.length < 1 || messages.length > 5) issues.add('messages', sizeMessage(1, 5));
  messages.forEach((message, index) => {
    checkMessage(issues, message, index, options);
  });
  return issues.items;
}

export interface LineErrorBody {
  message: string;
  details?: { message: string; property: string }[];
}

/**
 * Turns issues into the body LINE answers with: a Flex problem is reported alone, per message,
 * with JSON pointers; everything else as "The request body has N error(s)".
 */
export function lineErrorBodyFor(issues: ValidationIssue[]): LineErrorBody {
  const flexIssue = issues.find((issue) => issue.flex);
  if (flexIssue?.flex) {
    const index = flexIssue.flex.messageIndex;
    return {
      message: `A message (messages[${index}]) in the request body is invalid`,
      details: issues
        .filter((issue) => issue.flex?.messageIndex === index)
        .map((issue) => ({ message: issue.message, property: issue.flex?.pointer || '/' })),
    };
  }
  return {
    message: `The request body has ${issues.length} error(s)`,
    details: issues.map(({ message, property }) => ({ message, property })),
  };
}
