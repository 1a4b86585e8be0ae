/**
 * The console's FAQ editor, form side: reading one entry from the form (keywords comma-separated)
 * and naming, in zh-TW, which field the profile's rules refused. The rules themselves stay in
 * parseShopProfile, so the console cannot store what the chat would not read.
 */
import { FAQ_MAX_ENTRIES, type FaqEntry, type ProfileError } from '../shop/profile';

/** One entry as the form holds it (keywords as typed). */
export interface FaqForm {
  question: string;
  keywords: string;
  answer: string;
}

export const FAQ_ERRORS = {
  question: '問題必填，最多 40 個字（會顯示成「客服」裡的按鈕）',
  keywords: '請填 1 到 20 個關鍵字，用逗號分開，每個最多 20 個字',
  answer: '回答必填，最多 1000 個字',
  count: `自己的問答最多 ${FAQ_MAX_ENTRIES} 則，請先刪除一則`,
  duplicate: '已經有同樣的問題了，請改寫或編輯那一則',
  stale: '這則問答剛被改過或刪除，請看下方目前的內容再試一次',
} as const;

export type FaqErrorKey = keyof typeof FAQ_ERRORS;

function one(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
}

export function faqFormOf(body: Record<string, string | string[] | undefined>): FaqForm {
  return { question: one(body.question), keywords: one(body.keywords), answer: one(body.answer) };
}

/** Keywords as merchants type them: commas (half- or full-width), 、 or new lines between words. */
export function splitKeywords(typed: string): string[] {
  return typed
    .split(/[,，、;；\n]+/)
    .map((k) => k.trim())
    .filter((k) => k !== '');
}

export function faqEntryOf(f: FaqForm): FaqEntry {
  return { question: f.question, keywords: splitKeywords(f.keywords), answer: f.answer };
}

export function faqFormFrom(e: FaqEntry): FaqForm {
  return { question: e.question, keywords: e.keywords.join('，'), answer: e.answer };
}

/** Which field of an entry the profile's rules refused (`faq[2].keywords[0]` → keywords). */
export function faqErrorOf(err: ProfileError): FaqErrorKey {
  if (err.field === 'faq') return 'count';
  const m = /^faq\[\d+\]\.(question|keywords|answer)/.exec(err.field);
  return (m?.[1] as FaqErrorKey | undefined) ?? 'question';
}
