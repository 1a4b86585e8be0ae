/** Small shared pieces of LINE messages: quick replies, buttons, text, image URLs. */
import type { messagingApi } from '@line/bot-sdk';
import { copy } from './copy';
import { encodePostback, type PostbackAction } from './postback';

export type Message = messagingApi.Message;
export type FlexBubble = messagingApi.FlexBubble;
export type FlexComponent = messagingApi.FlexComponent;

export const theme = {
  brand: '#3A6B35',
  accent: '#B5651D',
  muted: '#8C8C8C',
  text: '#2B2B2B',
  danger: '#C0392B',
  paper: '#FBF8F1',
} as const;

export function postbackAction(label: string, p: PostbackAction, displayText?: string): messagingApi.PostbackAction {
  const action: messagingApi.PostbackAction = { type: 'postback', label, data: encodePostback(p) };
  if (displayText !== undefined) action.displayText = displayText;
  return action;
}

export function button(
  label: string,
  p: PostbackAction,
  style: 'primary' | 'secondary' | 'link' = 'primary',
  displayText?: string,
): messagingApi.FlexButton {
  const b: messagingApi.FlexButton = {
    type: 'button',
    style,
    height: 'sm',
    action: postbackAction(label, p, displayText),
  };
  if (style === 'primary') b.color = theme.brand;
  return b;
}

/** The shop's standing quick replies: always a way forward, never a dead end. */
export function mainQuickReply(): messagingApi.QuickReply {
  const item = (label: string, p: PostbackAction): messagingApi.QuickReplyItem => ({
    type: 'action',
    action: postbackAction(label, p, label),
  });
  return {
    items: [
      item(copy.qrBrowse, { action: 'browse' }),
      item(copy.qrCart, { action: 'cart' }),
      item(copy.qrOrders, { action: 'orders' }),
      item(copy.qrHelp, { action: 'help' }),
    ],
  };
}

export function text(message: string, withQuickReply = false): messagingApi.TextMessage {
  const m: messagingApi.TextMessage = { type: 'text', text: message.slice(0, 5000) };
  if (withQuickReply) m.quickReply = mainQuickReply();
  return m;
}

/** A short notice's coloured header: its title in white, bold (payment notices, shipping notices). */
export function titleHeader(title: string, color: string): messagingApi.FlexBox {
  return {
    type: 'box',
    layout: 'vertical',
    backgroundColor: color,
    paddingAll: 'md',
    contents: [{ type: 'text', text: title, color: '#FFFFFF', weight: 'bold', size: 'md' }],
  };
}

export function flex(
  altText: string,
  contents: messagingApi.FlexContainer,
  withQuickReply = false,
): messagingApi.FlexMessage {
  const m: messagingApi.FlexMessage = { type: 'flex', altText: altText.slice(0, 1500), contents };
  if (withQuickReply) m.quickReply = mainQuickReply();
  return m;
}

/** Catalog images may be stored as paths on this server (the demo catalog); LINE needs absolute URLs. */
export function absoluteUrl(url: string | null, publicBaseUrl: string, fallbackPath: string): string {
  const u = url ?? fallbackPath;
  return u.startsWith('/') ? `${publicBaseUrl}${u}` : u;
}

/** Puts the standing quick replies on the last message (LINE shows only the last one's). */
export function withQuickReplyOnLast(messages: Message[]): Message[] {
  const last = messages[messages.length - 1];
  if (last && !last.quickReply) last.quickReply = mainQuickReply();
  return messages;
}
