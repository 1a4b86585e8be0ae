import { type ActionContext, validateAction } from './action-validator';
import { charLength, INVALID_PROPERTY, isPlainObject, lengthMessage, MUST_BE_SPECIFIED, sizeMessage } from './issues';

/** Reports a problem at a JSON pointer inside the Flex container ("/footer/contents/2"). */
export type FlexReporter = (pointer: string, message: string) => void;

export interface FlexOptions {
  /** LINE requires HTTPS image URLs; a local sandbox may serve product images over plain HTTP. */
  allowHttpImages?: boolean;
}

const BUBBLE_SIZES = ['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga'];
const KEYWORD_SIZES = ['xxs', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl', '3xl', '4xl', '5xl'];
const SPACINGS = ['none', 'xs', 'sm', 'md', 'lg', 'xl', 'xxl'];
const MAX_BUBBLE_BYTES = 30 * 1024;
const MAX_CAROUSEL_BYTES = 50 * 1024;
const MAX_CAROUSEL_BUBBLES = 12;
const COLOR = /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/;
const PIXELS = /^\d+(\.\d+)?px$/;
const PERCENT = /^\d+(\.\d+)?%$/;

function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

class FlexWalker {
  constructor(
    private readonly report: FlexReporter,
    private readonly options: FlexOptions,
  ) {}

  container(container: unknown, pointer: string): void {
    if (!isPlainObject(container)) {
      this.report(pointer || '/', MUST_BE_SPECIFIED);
      return;
    }
    if (container.type === 'bubble') {
      this.bubble(container, pointer);
      if (jsonBytes(container) > MAX_BUBBLE_BYTES) this.report(pointer || '/', 'bubble JSON must be at most 30 KB');
      return;
    }
    if (container.type === 'carousel') {
      this.carousel(container, pointer);
      return;
    }
    this.report(`${pointer}/type`, INVALID_PROPERTY);
  }

  private carousel(carousel: Record<string, unknown>, pointer: string): void {
    const bubbles = carousel.contents;
    if (!Array.isArray(bubbles)) {
      this.report(`${pointer}/contents`, MUST_BE_SPECIFIED);
      return;
    }
    if (bubbles.length < 1 || bubbles.length > MAX_CAROUSEL_BUBBLES) {
      this.report(`${pointer}/contents`, sizeMessage(1, MAX_CAROUSEL_BUBBLES));
    }
    const firstSize = isPlainObject(bubbles[0]) ? (bubbles[0].size ?? 'mega') : 'mega';
    bubbles.forEach((bubble, index) => {
      const at = `${pointer}/contents/${index}`;
      if (!isPlainObject(bubble) || bubble.type !== 'bubble') {
        this.report(`${at}/type`, INVALID_PROPERTY);
        return;
      }
      this.bubble(bubble, at);
      if (jsonBytes(bubble) > MAX_BUBBLE_BYTES) this.report(at, 'bubble JSON must be at most 30 KB');
      if ((bubble.size ?? 'mega') !== firstSize)
        this.report(`${at}/size`, 'all bubbles in a carousel must have the same size');
    });
    if (jsonBytes(carousel) > MAX_CAROUSEL_BYTES) this.report(pointer || '/', 'carousel JSON must be at most 50 KB');
  }

  private bubble(bubble: Record<string, unknown>, at: string): void {
    if (bubble.size !== undefined && !BUBBLE_SIZES.includes(String(bubble.size)))
      this.report(`${at}/size`, INVALID_PROPERTY);
    if (bubble.direction !== undefined && !['ltr', 'rtl'].includes(String(bubble.direction))) {
      this.report(`${at}/direction`, INVALID_PROPERTY);
    }
    for (const block of ['header', 'body', 'footer'] as const) {
      const box = bubble[block];
      if (box === undefined) continue;
      if (!isPlainObject(box) || box.type !== 'box') this.report(`${at}/${block}`, INVALID_PROPERTY);
      else this.component(box, `${at}/${block}`, 'block');
    }
    if (bubble.hero !== undefined) {
      const hero = bubble.hero;
      if (!isPlainObject(hero) || !['box', 'image', 'video'].includes(String(hero.type))) {
        this.report(`${at}/hero`, INVALID_PROPERTY);
      } else this.component(hero, `${at}/hero`, 'hero');
    }
    if (bubble.styles !== undefined) this.styles(bubble.styles, `${at}/styles`);
    if (bubble.action !== undefined) this.action(bubble.action, `${at}/action`, 'flexComponent');
  }

  private styles(styles: unknown, at: string): void {
    if (!isPlainObject(styles)) {
      this.report(at, INVALID_PROPERTY);
      return;
    }
    for (const [block, style] of Object.entries(styles)) {
      if (!['header', 'hero', 'body', 'footer'].includes(block) || !isPlainObject(style)) {
        this.report(`${at}/${block}`, INVALID_PROPERTY);
        continue;
      }
      this.color(style.backgroundColor, `${at}/${block}/backgroundColor`);
      this.color(style.separatorColor, `${at}/${block}/separatorColor`);
    }
  }

  /** `parent` tells which component types are allowed here (icons only in baseline boxes, etc.). */
  private component(component: unknown, at: string, parent: 'block' | 'hero' | 'box' | 'baseline'): void {
    if (!isPlainObject(component)) {
      this.report(at, INVALID_PROPERTY);
      return;
    }
    const type = component.type;
    if (parent === 'baseline' && !['text', 'icon', 'filler'].includes(String(type))) {
      this.report(`${at}/type`, `${String(type)} cannot be placed in a baseline box`);
      return;
    }
    switch (type) {
      case 'box':
        this.box(component, at);
        break;
      case 'text':
        this.text(component, at);
        break;
      case 'image':
        this.image(component, at);
        break;
      case 'button':
        this.button(component, at);
        break;
      case 'icon':
        if (parent !== 'baseline') this.report(`${at}/type`, 'icon can only be placed in a baseline box');
        this.imageUrl(component.url, `${at}/url`);
        this.sizeKeywordOrPixels(component.size, `${at}/size`);
        this.margin(component.margin, `${at}/margin`);
        break;
      case 'separator':
        this.margin(component.margin, `${at}/margin`);
        this.color(component.color, `${at}/color`);
        break;
      case 'filler':
        this.flexValue(component.flex, `${at}/flex`);
        break;
      case 'video':
        if (parent !== 'hero') this.report(`${at}/type`, 'video can only be the hero of a bubble');
        this.imageUrl(component.url, `${at}/url`);
        this.imageUrl(component.previewUrl, `${at}/previewUrl`);
        if (component.altContent === undefined) this.report(`${at}/altContent`, MUST_BE_SPECIFIED);
        else this.component(component.altContent, `${at}/altContent`, 'box');
        if (component.action !== undefined) this.action(component.action, `${at}/action`, 'flexComponent');
        break;
      default:
        // Includes `spacer`, which LINE discontinued and now rejects outright.
        this.report(at, INVALID_PROPERTY);
    }
  }

  private box(box: Record<string, unknown>, at: string): void {
    const layout = box.layout;
    if (!['horizontal', 'vertical', 'baseline'].includes(String(layout))) {
      this.report(`${at}/layout`, layout === undefined ? MUST_BE_SPECIFIED : INVALID_PROPERTY);
    }
    if (!Array.isArray(box.contents)) {
      this.report(`${at}/contents`, MUST_BE_SPECIFIED);
    } else {
      const childParent = layout === 'baseline' ? 'baseline' : 'box';
      box.contents.forEach((child, index) => {
        this.component(child, `${at}/contents/${index}`, childParent);
      });
    }
    this.flexValue(box.flex, `${at}/flex`);
    this.spacing(box.spacing, `${at}/spacing`);
    this.margin(box.margin, `${at}/margin`);
    for (const key of ['paddingAll', 'paddingTop', 'paddingBottom', 'paddingStart', 'paddingEnd']) {
      this.spacing(box[key], `${at}/${key}`, true);
    }
    for (const key of ['backgroundColor', 'borderColor']) this.color(box[key], `${at}/${key}`);
    if (box.action !== undefined) this.action(box.action, `${at}/action`, 'flexComponent');
  }

  private text(text: Record<string, unknown>, at: string): void {
    const spans = text.contents;
    if (Array.isArray(spans) && spans.length > 0) {
      spans.forEach((span, index) => {
        if (!isPlainObject(span) || span.type !== 'span') this.report(`${at}/contents/${index}`, INVALID_PROPERTY);
        else if (typeof span.text !== 'string') this.report(`${at}/contents/${index}/text`, MUST_BE_SPECIFIED);
      });
    } else if (typeof text.text !== 'string' || text.text.length === 0) {
      this.report(`${at}/text`, MUST_BE_SPECIFIED);
    }
    this.flexValue(text.flex, `${at}/flex`);
    this.sizeKeywordOrPixels(text.size, `${at}/size`);
    this.margin(text.margin, `${at}/margin`);
    this.color(text.color, `${at}/color`);
    if (text.weight !== undefined && !['regular', 'bold'].includes(String(text.weight))) {
      this.report(`${at}/weight`, INVALID_PROPERTY);
    }
    if (text.align !== undefined && !['start', 'end', 'center'].includes(String(text.align))) {
      this.report(`${at}/align`, INVALID_PROPERTY);
    }
    if (text.wrap !== undefined && typeof text.wrap !== 'boolean') this.report(`${at}/wrap`, INVALID_PROPERTY);
    if (text.maxLines !== undefined && !(Number.isInteger(text.maxLines) && Number(text.maxLines) >= 0)) {
      this.report(`${at}/maxLines`, INVALID_PROPERTY);
    }
    if (text.action !== undefined) this.action(text.action, `${at}/action`, 'flexComponent');
  }

  private image(image: Record<string, unknown>, at: string): void {
    this.imageUrl(image.url, `${at}/url`);
    this.flexValue(image.flex, `${at}/flex`);
    this.margin(image.margin, `${at}/margin`);
    if (image.size !== undefined) {
      const size = String(image.size);
      if (![...KEYWORD_SIZES, 'full'].includes(size) && !PIXELS.test(size) && !PERCENT.test(size)) {
        this.report(`${at}/size`, INVALID_PROPERTY);
      }
    }
    if (image.aspectRatio !== undefined) {
      const match = /^(\d+):(\d+)$/.exec(String(image.aspectRatio));
      const width = Number(match?.[1]);
      const height = Number(match?.[2]);
      if (!match || width < 1 || height < 1 || width > 100000 || height > 100000 || height > width * 3) {
        this.report(`${at}/aspectRatio`, INVALID_PROPERTY);
      }
    }
    if (image.aspectMode !== undefined && !['fit', 'cover'].includes(String(image.aspectMode))) {
      this.report(`${at}/aspectMode`, INVALID_PROPERTY);
    }
    this.color(image.backgroundColor, `${at}/backgroundColor`);
    if (image.action !== undefined) this.action(image.action, `${at}/action`, 'flexComponent');
  }

  private button(button: Record<string, unknown>, at: string): void {
    if (button.action === undefined) this.report(`${at}/action`, MUST_BE_SPECIFIED);
    else this.action(button.action, `${at}/action`, 'flexButton');
    if (button.style !== undefined && !['primary', 'secondary', 'link'].includes(String(button.style))) {
      this.report(`${at}/style`, INVALID_PROPERTY);
    }
    if (button.height !== undefined && !['sm', 'md'].includes(String(button.height))) {
      this.report(`${at}/height`, INVALID_PROPERTY);
    }
    this.flexValue(button.flex, `${at}/flex`);
    this.margin(button.margin, `${at}/margin`);
    this.color(button.color, `${at}/color`);
  }

  private action(action: unknown, at: string, context: ActionContext): void {
    validateAction(action, context, (path, message) => {
      this.report(path.length === 0 ? at : `${at}/${path.join('/').replace(/\./g, '/')}`, message);
    });
  }

  private imageUrl(url: unknown, at: string): void {
    if (typeof url !== 'string' || url.length === 0) {
      this.report(at, MUST_BE_SPECIFIED);
      return;
    }
    if (charLength(url) > 2000) {
      this.report(at, lengthMessage(1, 2000));
      return;
    }
    const allowed = this.options.allowHttpImages ? /^https?:\/\//i : /^https:\/\//i;
    if (!allowed.test(url)) this.report(at, 'must be an HTTPS URL');
  }

  private flexValue(value: unknown, at: string): void {
    if (value !== undefined && !(Number.isInteger(value) && Number(value) >= 0)) this.report(at, INVALID_PROPERTY);
  }

  private margin(value: unknown, at: string): void {
    this.spacing(value, at);
  }

  private spacing(value: unknown, at: string, allowPercent = false): void {
    if (value === undefined) return;
    const text = String(value);
    if (SPACINGS.includes(text) || PIXELS.test(text) || (allowPercent && PERCENT.test(text))) return;
    this.report(at, INVALID_PROPERTY);
  }

  private sizeKeywordOrPixels(value: unknown, at: string): void {
    if (value === undefined) return;
    const text = String(value);
    if (!KEYWORD_SIZES.includes(text) && !PIXELS.test(text)) this.report(at, INVALID_PROPERTY);
  }

  private color(value: unknown, at: string): void {
    if (value !== undefined && !COLOR.test(String(value))) this.report(at, INVALID_PROPERTY);
  }
}

/** Validates a Flex container (bubble or carousel); pointers are relative to the container. */
export function validateFlexContainer(container: unknown, report: FlexReporter, options: FlexOptions = {}): void {
  new FlexWalker(report, options).container(container, '');
}
