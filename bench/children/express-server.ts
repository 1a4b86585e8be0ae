/**
 * The usual alternative, as in LINE's own examples: Express + @line/bot-sdk's `middleware`
 * (signature check and JSON parse), replying to each event with the Messaging API client before
 * answering the webhook. Replies go to the LINE simulator, like the shop's.
 */
import { messagingApi, middleware, type webhook } from '@line/bot-sdk';
import express from 'express';
import { portOf } from '../support/ports';
import { reportRss } from './report-to-parent';

const channelSecret = process.env.LINE_CHANNEL_SECRET ?? '';
const client = new messagingApi.MessagingApiClient({
  channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN ?? '',
  baseURL: process.env.LINE_API_BASE_URL,
});

async function handleEvent(event: webhook.Event): Promise<unknown> {
  if (event.type !== 'postback' || !event.replyToken) return null;
  return client.replyMessage({
    replyToken: event.replyToken,
    messages: [{ type: 'text', text: `已加入購物車（${event.postback.data}）` }],
  });
}

const app = express();
app.post('/line/webhook', middleware({ channelSecret }), (req, res) => {
  const events = (req.body as { events: webhook.Event[] }).events;
  Promise.all(events.map(handleEvent))
    .then((result) => res.json(result))
    .catch(() => res.status(500).end());
});
const server = app.listen(0, '127.0.0.1', () => {
  reportRss(
    `http://127.0.0.1:${portOf(server)}/line/webhook`,
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
});
