/**
 * One thing LINE would reject, in the shape of an entry of LINE's error `details[]`.
 * `flex` is set when the problem sits inside a Flex container: LINE then reports it under
 * "A message (messages[i]) in the request body is invalid" with a JSON pointer into `contents`.
 */
export interface ValidationIssue {
  property: string;
  message: string;
  flex?: { messageIndex: number; pointer: string };
}

/** Collects issues while walking an object; `at` builds the property path the way LINE prints it. */
export class IssueList {
  readonly items: ValidationIssue[] = [];

  add(property: string, message: string): void {
    this.items.push({ property, message });
  }

  addFlex(messageIndex: number, pointer: string, message: string): void {
    this.items.push({
      property: `messages[${messageIndex}].contents${pointer}`,
      message,
      flex: { messageIndex, pointer },
    });
  }
}

export const MUST_BE_SPECIFIED = 'must be specified';
export const INVALID_PROPERTY = 'invalid property';

export function lengthMessage(min: number, max: number): string {
  return `Length must be between ${min} and ${max}`;
}

export function sizeMessage(min: number, max: number): string {
  return `Size must be between ${min} and ${max}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** LINE counts characters, not bytes; code points keep emoji from counting double. */
export function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}
