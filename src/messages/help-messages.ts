/** Pure builders for the shop's own answers: the help bubble (contact + FAQ) and hand-off messages. */
import type { messagingApi } from '@line/bot-sdk';
import type { FaqEntry } from '../shop/profile';
import { button, type FlexBubble, type FlexComponent, flex, type Message, postbackAction, text, theme } from './common';
import { copy, talkCopy } from './copy';

/** What help shows of the shop: its profile's contact fields. */
export interface HelpContact {
  name: string;
  phone: string;
  email: string;
  hours: string;
  address: string;
  contact: string;
  about: string;
}

const heading = (t: string): FlexComponent => ({
  type: 'text',
  text: t,
  weight: 'bold',
  size: 'sm',
  color: theme.brand,
});

function contactRow(label: string, value: string): FlexComponent {
  return {
    type: 'box',
    layout: 'baseline',
    spacing: 'sm',
    contents: [
      { type: 'text', text: label, size: 'xs', color: theme.muted, flex: 2 },
      { type: 'text', text: value, size: 'xs', color: theme.text, wrap: true, flex: 5 },
    ],
  };
}

/** tel: wants digits (and +) only. */
function telUri(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

/**
 * 客服: contact details, the FAQ as buttons (each sends its question), a tip or two, and 找真人客服
 * plainly in the footer — a customer should never have to guess that a person can be reached.
 */
export function helpMessage(shop: HelpContact, faq: Array<FaqEntry & { id: string }>): Message {
  const contact: FlexComponent[] = [
    shop.phone ? contactRow(talkCopy.phoneLabel, shop.phone) : undefined,
    shop.email ? contactRow(talkCopy.emailLabel, shop.email) : undefined,
    shop.hours ? contactRow(talkCopy.hoursLabel, shop.hours) : undefined,
    shop.address ? contactRow(talkCopy.addressLabel, shop.address) : undefined,
    shop.contact
      ? ({ type: 'text', text: shop.contact, size: 'xs', color: theme.text, wrap: true } as FlexComponent)
      : undefined,
  ].filter((c): c is FlexComponent => c !== undefined);
  const body: FlexComponent[] = [];
  if (shop.about) body.push({ type: 'text', text: shop.about, size: 'xs', color: theme.muted, wrap: true });
  if (contact.length > 0) body.push(heading(talkCopy.contactHeading), ...contact, { type: 'separator', margin: 'md' });
  if (faq.length > 0) {
    body.push(
      heading(talkCopy.faqHeading),
      ...faq.map((q) => ({
        ...button([...q.question].slice(0, 40).join(''), { action: 'faq', id: q.id }, 'link', q.question),
        height: 'sm' as const,
      })),
      { type: 'separator', margin: 'md' },
    );
  }
  body.push(heading(talkCopy.tipsHeading), {
    type: 'text',
    text: talkCopy.tips,
    size: 'xs',
    color: theme.muted,
    wrap: true,
  });
  const footer: FlexComponent[] = [
    button(talkCopy.personButton, { action: 'person' }, 'primary', talkCopy.personButton),
  ];
  if (shop.phone) {
    footer.push({
      type: 'button',
      style: 'secondary',
      height: 'sm',
      action: { type: 'uri', label: talkCopy.callButton, uri: telUri(shop.phone) },
    });
  }
  const bubble: FlexBubble = {
    type: 'bubble',
    size: 'mega',
    header: {
      type: 'box',
      layout: 'vertical',
      backgroundColor: theme.brand,
      paddingAll: 'lg',
      contents: [
        { type: 'text', text: talkCopy.helpTitle, color: '#FFFFFF', weight: 'bold', size: 'lg' },
        { type: 'text', text: shop.name, color: '#FFFFFF', size: 'xs' },
      ],
    },
    body: { type: 'box', layout: 'vertical', spacing: 'sm', contents: body },
    footer: { type: 'box', layout: 'vertical', spacing: 'sm', contents: footer },
  };
  return flex(talkCopy.helpAlt(shop.name), bubble, true);
}

/** Quick replies while a person has the chat: the way back to the bot first, then shopping. */
function handoffQuickReply(): messagingApi.QuickReply {
  const item = (label: string, p: Parameters<typeof postbackAction>[1]): messagingApi.QuickReplyItem => ({
    type: 'action',
    action: postbackAction(label, p, label),
  });
  return {
    items: [
      item(talkCopy.backToBot, { action: 'bot' }),
      item(copy.qrBrowse, { action: 'browse' }),
      item(copy.qrCart, { action: 'cart' }),
      item(copy.qrOrders, { action: 'orders' }),
    ],
  };
}

export function handoffStartedMessage(hours: string, already: boolean): Message {
  const m = text(already ? talkCopy.handoffAlready : talkCopy.handoffStarted(hours));
  m.quickReply = handoffQuickReply();
  return m;
}
