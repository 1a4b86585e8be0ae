/**
 * The shape of a webhook event, checked where events enter (the webhook route) and again where
 * they are read (the event worker, for rows stored before this check existed). Derived from
 * LINE's OpenAPI `webhook.yml`: every property the spec declares for the kinds the shop handles is
 * type-checked when present, and the properties the shop reads are required. An event that does
 * not fit is stored as ignored with the reason, so a handler never meets a number where it reads a
 * string (a postback `data` of `[1]` once stopped every chat).
 *
 * Unknown event types are checked against the common fields only; they are ignored anyway.
 */
import type { webhook } from '@line/bot-sdk';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

const str = { type: 'string' } as const;
const id = { type: 'string', minLength: 1, maxLength: 100 } as const;
const int = { type: 'integer' } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties,
  required,
});

/** JSON Schema `if`/`then`: when `field` is `value`, the listed properties are required. */
function requiredWhen(field: string, value: string, required: string[]) {
  // biome-ignore lint/suspicious/noThenProperty: JSON Schema's keyword; this object is never awaited.
  return { if: obj({ [field]: { const: value } }), then: { required } };
}

const source = {
  ...obj({ type: { enum: ['user', 'group', 'room'] }, userId: id, groupId: id, roomId: id }, ['type']),
  // A user chat without a userId cannot be answered; groups and rooms are named by their own id.
  allOf: [
    requiredWhen('type', 'user', ['userId']),
    requiredWhen('type', 'group', ['groupId']),
    requiredWhen('type', 'room', ['roomId']),
  ],
};

/** Event (webhook.yml): the fields every event has. */
const common = obj(
  {
    type: { type: 'string', minLength: 1, maxLength: 64 },
    source,
    timestamp: { type: 'integer', minimum: 0 },
    mode: { enum: ['active', 'standby'] },
    webhookEventId: id,
    deliveryContext: obj({ isRedelivery: { type: 'boolean' } }, ['isRedelivery']),
    replyToken: { type: 'string', minLength: 1, maxLength: 256 },
  },
  ['type', 'timestamp', 'mode', 'webhookEventId', 'deliveryContext'],
);

const contentProvider = obj({ type: { enum: ['line', 'external'] }, originalContentUrl: str, previewImageUrl: str }, [
  'type',
]);

/** MessageContent and its kinds; `text` is required only for text messages (what we read). */
const messageContent = {
  ...obj(
    {
      type: str,
      id,
      text: str,
      quoteToken: str,
      quotedMessageId: str,
      markAsReadToken: str,
      emojis: {
        type: 'array',
        items: obj({ index: int, length: int, productId: str, emojiId: str }, ['index', 'length']),
      },
      mention: obj({ mentionees: { type: 'array', items: obj({ type: str, index: int, length: int }) } }, [
        'mentionees',
      ]),
      contentProvider,
      imageSet: obj({ id: str, index: int, total: int }, ['id']),
      duration: int,
      fileName: str,
      fileSize: int,
      title: str,
      address: str,
      latitude: { type: 'number' },
      longitude: { type: 'number' },
      packageId: str,
      stickerId: str,
      stickerResourceType: str,
      keywords: { type: 'array', items: str },
    },
    ['type', 'id'],
  ),
  allOf: [requiredWhen('type', 'text', ['text'])],
};

/** What each handled event type adds to the common fields. */
const byType: Record<string, object> = {
  message: obj({ message: messageContent }, ['message']),
  postback: obj(
    {
      postback: obj(
        // `params` carries a date/time picker's choice: string values only.
        { data: str, params: { type: 'object', additionalProperties: str } },
        ['data'],
      ),
    },
    ['postback'],
  ),
  follow: obj({ follow: obj({ isUnblocked: { type: 'boolean' } }, ['isUnblocked']) }, ['replyToken', 'follow']),
  unfollow: obj({}),
  join: obj({}, ['replyToken', 'source']),
  leave: obj({}),
  unsend: obj({ unsend: obj({ messageId: str }, ['messageId']) }, ['unsend']),
};

const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, strictTypes: false });
const validators = new Map<string, ValidateFunction>(
  Object.entries(byType).map(([type, schema]) => [type, ajv.compile({ allOf: [common, schema] })]),
);
const validateCommon = ajv.compile(common);

/** "/postback/data must be string": where and what, never the value (it may be personal). */
function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.find((x) => x.keyword !== 'if' && x.keyword !== 'allOf') ?? errors?.[0];
  if (!e) return 'does not fit the webhook event schema';
  const where = e.instancePath === '' ? 'event' : e.instancePath;
  const extra = e.keyword === 'enum' ? ` (${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')})` : '';
  return `${where} ${e.message ?? 'is invalid'}${extra}`.slice(0, 300);
}

export type EventCheck = { ok: true; event: webhook.Event } | { ok: false; reason: string };

/** Checks one event of a webhook body; on failure, says which field is wrong. */
export function checkEvent(raw: unknown): EventCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, reason: 'event is not an object' };
  }
  const type = (raw as { type?: unknown }).type;
  const validate = (typeof type === 'string' && validators.get(type)) || validateCommon;
  if (validate(raw)) return { ok: true, event: raw as webhook.Event };
  return { ok: false, reason: describe(validate.errors) };
}

/** A webhook body is an object with an `events` array (and a string `destination`). */
const validateEnvelope = ajv.compile(obj({ destination: str, events: { type: 'array' } }, ['events']));

/** Checks the envelope only; each event is checked on its own (one bad event spoils no other). */
export function checkEnvelope(body: unknown): { ok: true; events: unknown[] } | { ok: false; reason: string } {
  if (validateEnvelope(body)) return { ok: true, events: (body as { events: unknown[] }).events };
  const reason = describe(validateEnvelope.errors).replace(/^event\b/, 'body');
  return { ok: false, reason };
}
