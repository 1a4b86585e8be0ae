import { charLength, isPlainObject, lengthMessage, MUST_BE_SPECIFIED } from './issues';

/**
 * Where an action sits decides which rules apply: a Flex button needs a label ≤ 40, a quick-reply
 * item a label ≤ 20, and `richmenuswitch` (and camera/location pickers) are only allowed in some places.
 */
export type ActionContext = 'flexButton' | 'flexComponent' | 'quickReply' | 'richMenu' | 'template' | 'imagemap';

/** Reports one problem at a path below the action (e.g. ['data']). */
export type ActionReporter = (path: string[], message: string) => void;

const URI_SCHEMES = ['http:', 'https:', 'line:', 'tel:'];
const MAX_DATA = 300;
const MAX_URI = 1000;

function labelLimit(context: ActionContext): { required: boolean; max: number } {
  switch (context) {
    case 'flexButton':
      return { required: true, max: 40 };
    case 'quickReply':
      return { required: true, max: 20 };
    case 'template':
      return { required: true, max: 20 };
    case 'richMenu':
      return { required: false, max: 20 };
    default:
      return { required: false, max: 40 };
  }
}

function checkString(
  value: unknown,
  path: string,
  opts: { required: boolean; max: number; min?: number },
  report: ActionReporter,
): void {
  if (value === undefined || value === null) {
    if (opts.required) report([path], MUST_BE_SPECIFIED);
    return;
  }
  if (typeof value !== 'string') {
    report([path], 'must be a string');
    return;
  }
  const min = opts.min ?? 0;
  const length = charLength(value);
  if (length < min || length > opts.max) report([path], lengthMessage(min, opts.max));
}

export function checkUri(value: unknown, path: string, report: ActionReporter, required = true): void {
  if (value === undefined || value === null) {
    if (required) report([path], MUST_BE_SPECIFIED);
    return;
  }
  if (typeof value !== 'string' || value.length === 0) {
    report([path], MUST_BE_SPECIFIED);
    return;
  }
  if (value.length > MAX_URI) {
    report([path], lengthMessage(1, MAX_URI));
    return;
  }
  let scheme: string;
  try {
    scheme = new URL(value).protocol;
  } catch {
    report([path], 'invalid uri');
    return;
  }
  if (!URI_SCHEMES.includes(scheme)) report([path], `invalid uri scheme: ${scheme} (allowed: http, https, line, tel)`);
}

/** Checks one action object the way the Messaging API does for the given context. */
export function validateAction(action: unknown, context: ActionContext, report: ActionReporter): void {
  if (!isPlainObject(action)) {
    report([], MUST_BE_SPECIFIED);
    return;
  }
  const label = labelLimit(context);
  checkString(action.label, 'label', { required: label.required, max: label.max, min: label.required ? 1 : 0 }, report);

  switch (action.type) {
    case 'postback':
      checkString(action.data, 'data', { required: true, max: MAX_DATA }, report);
      checkString(action.displayText, 'displayText', { required: false, max: MAX_DATA }, report);
      checkString(action.text, 'text', { required: false, max: MAX_DATA }, report);
      checkString(action.fillInText, 'fillInText', { required: false, max: MAX_DATA }, report);
      if (action.displayText !== undefined && action.text !== undefined) {
        report(['text'], 'displayText and text cannot both be specified');
      }
      if (
        action.inputOption !== undefined &&
        !['closeRichMenu', 'openRichMenu', 'openKeyboard', 'openVoice'].includes(String(action.inputOption))
      ) {
        report(['inputOption'], 'invalid value');
      }
      return;
    case 'message':
      checkString(action.text, 'text', { required: true, max: MAX_DATA, min: 1 }, report);
      return;
    case 'uri':
      checkUri(action.uri, 'uri', report);
      if (action.altUri !== undefined) {
        if (!isPlainObject(action.altUri)) report(['altUri'], 'must be an object');
        else checkUri(action.altUri.desktop, 'altUri.desktop', report);
      }
      return;
    case 'datetimepicker':
      checkString(action.data, 'data', { required: true, max: MAX_DATA }, report);
      if (!['date', 'time', 'datetime'].includes(String(action.mode))) report(['mode'], MUST_BE_SPECIFIED);
      return;
    case 'clipboard':
      checkString(action.clipboardText, 'clipboardText', { required: true, max: 1000, min: 1 }, report);
      return;
    case 'camera':
    case 'cameraRoll':
    case 'location':
      if (context !== 'quickReply') report(['type'], `${action.type} action is only available in quick reply`);
      return;
    case 'richmenuswitch':
      if (context !== 'richMenu') {
        report(['type'], 'richmenuswitch action is only available in rich menus');
        return;
      }
      checkString(action.richMenuAliasId, 'richMenuAliasId', { required: true, max: 32, min: 1 }, report);
      checkString(action.data, 'data', { required: true, max: MAX_DATA }, report);
      return;
    case undefined:
      report(['type'], MUST_BE_SPECIFIED);
      return;
    default:
      report(['type'], `unsupported action type: ${String(action.type)}`);
  }
}
