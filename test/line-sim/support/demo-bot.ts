import { messagingApi } from '@line/bot-sdk';
import { Resvg } from '@resvg/resvg-js';
import Fastify from 'fastify';
import { type LineSimulator, startLineSimulator } from '../../../src/sandbox/line';
import { solidPng } from './png';
import { startTestBot, type TestBot } from './test-bot';

const PRODUCTS = [
  { sku: 'TEA-OOLONG', name: '阿里山高山烏龍茶', price: 680, color: [46, 125, 50] as [number, number, number] },
  { sku: 'TEA-BLACK', name: '日月潭紅玉紅茶', price: 520, color: [183, 28, 28] as [number, number, number] },
  { sku: 'TEA-GREEN', name: '三峽碧螺春綠茶', price: 450, color: [104, 159, 56] as [number, number, number] },
];

function productBubble(product: (typeof PRODUCTS)[number], imageBase: string): messagingApi.FlexBubble {
  return {
    type: 'bubble',
    size: 'kilo',
    hero: {
      type: 'image',
      url: `${imageBase}/img/${product.sku}.png`,
      size: 'full',
      aspectRatio: '20:13',
      aspectMode: 'cover',
    },
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: product.name, weight: 'bold', size: 'lg', wrap: true },
        {
          type: 'box',
          layout: 'baseline',
          contents: [
            { type: 'text', text: `NT$ ${product.price}`, size: 'xl', weight: 'bold', color: '#06C755', flex: 0 },
            { type: 'text', text: '/ 150g', size: 'sm', color: '#999999', margin: 'sm' },
          ],
        },
        { type: 'separator', margin: 'md' },
        {
          type: 'box',
          layout: 'horizontal',
          margin: 'md',
          contents: [
            { type: 'text', text: '庫存', size: 'sm', color: '#999999' },
            { type: 'text', text: '尚有 12 件', size: 'sm', align: 'end', color: '#555555' },
          ],
        },
      ],
    },
    footer: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        {
          type: 'button',
          style: 'primary',
          color: '#06C755',
          action: {
            type: 'postback',
            label: '加入購物車',
            data: `action=add&sku=${product.sku}`,
            displayText: `加入 ${product.name}`,
          },
        },
        {
          type: 'button',
          style: 'link',
          height: 'sm',
          action: { type: 'uri', label: '商品介紹', uri: 'https://example.com/tea' },
        },
      ],
    },
  };
}

const quickReply: messagingApi.QuickReply = {
  items: [
    { type: 'action', action: { type: 'message', label: '商品', text: '商品' } },
    { type: 'action', action: { type: 'message', label: '購物車', text: '購物車' } },
    { type: 'action', action: { type: 'postback', label: '我的訂單', data: 'action=orders', displayText: '我的訂單' } },
  ],
};

function richMenuPng(): Buffer {
  const tile = (x: number, color: string, label: string) =>
    `<rect x="${x + 12}" y="12" width="${833 - 24}" height="819" rx="36" fill="${color}"/>` +
    `<text x="${x + 416}" y="470" font-size="120" font-family="sans-serif" font-weight="700" fill="#fff" text-anchor="middle">${label}</text>`;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="2500" height="843"><rect width="2500" height="843" fill="#f4f7f5"/>` +
    `${tile(0, '#06C755', 'SHOP')}${tile(833, '#1E88E5', 'CART')}${tile(1666, '#6D4C41', 'MORE ›')}</svg>`;
  return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true } }).render().asPng());
}

export interface Demo {
  sim: LineSimulator;
  bot: TestBot;
  close(): Promise<void>;
}

/**
 * A simulator plus a tiny tea-shop bot (Flex carousel on follow, postback answers, quick replies,
 * loading animation, a two-tab rich menu). Used by the chat page test and for screenshots.
 */
export async function startDemo(options: { port?: number } = {}): Promise<Demo> {
  const sim = await startLineSimulator({
    channelSecret: 'demo-secret',
    channelAccessToken: 'demo-token',
    botName: '茶葉小舖',
    allowHttpImages: true,
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  const images = Fastify();
  for (const product of PRODUCTS) {
    const png = solidPng(400, 260, product.color);
    images.get(`/img/${product.sku}.png`, async (_request, reply) => reply.type('image/png').send(png));
  }
  await images.listen({ port: 0, host: '127.0.0.1' });
  const address = images.server.address();
  const imageBase = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const bot = await startTestBot(sim, async (event, client) => {
    const replyToken = typeof event.replyToken === 'string' ? event.replyToken : undefined;
    if (!replyToken) return;
    const userId = (event.source as { userId: string }).userId;
    if (event.type === 'follow') {
      await client.replyMessage({
        replyToken,
        messages: [
          { type: 'text', text: '歡迎光臨茶葉小舖 🍵\n點下方選單或輸入「商品」開始逛逛。' },
          {
            type: 'flex',
            altText: '本店精選茶葉',
            contents: { type: 'carousel', contents: PRODUCTS.map((product) => productBubble(product, imageBase)) },
            quickReply,
          },
        ],
      });
    } else if (event.type === 'postback') {
      const data = (event.postback as { data: string }).data;
      await client.replyMessage({
        replyToken,
        messages: [{ type: 'text', text: `收到 postback：${data}`, quickReply }],
      });
    } else if (event.type === 'message') {
      await client.showLoadingAnimation({ chatId: userId, loadingSeconds: 5 });
      await client.replyMessage({ replyToken, messages: [{ type: 'text', text: '請稍候，為您查詢中…', quickReply }] });
    }
  });
  sim.setWebhookUrl(bot.url);

  const api = new messagingApi.MessagingApiClient({ channelAccessToken: 'demo-token', baseURL: sim.url });
  const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: 'demo-token', baseURL: sim.url });
  const png = richMenuPng();
  const area = (x: number, action: messagingApi.Action) => ({ bounds: { x, y: 0, width: 833, height: 843 }, action });
  const { richMenuId } = await api.createRichMenu({
    size: { width: 2500, height: 843 },
    selected: true,
    name: 'demo-main',
    chatBarText: '選單',
    areas: [
      area(0, { type: 'postback', data: 'action=browse', displayText: '逛逛商品' } as messagingApi.Action),
      area(833, { type: 'message', text: '購物車' } as messagingApi.Action),
      area(1666, { type: 'uri', uri: 'https://example.com/help' } as messagingApi.Action),
    ],
  });
  await blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(png)], { type: 'image/png' }));
  await api.setDefaultRichMenu(richMenuId);

  return {
    sim,
    bot,
    close: async () => {
      await bot.close();
      await images.close();
      await sim.close();
    },
  };
}
