/** Questions nothing answered, counted by their folded text. Only this file touches the table. */
import type { Executor } from '../db/database';

/** Counts one more asking of a question (created on first asking; un-dismissed when asked again). */
export async function countUnanswered(db: Executor, key: string, question: string, now: number): Promise<void> {
  await db
    .insertInto('unanswered_questions')
    .values({
      question_key: key,
      question,
      times_asked: 1,
      first_asked_at: now,
      last_asked_at: now,
      dismissed_at: null,
    })
    .onConflict((oc) =>
      oc.column('question_key').doUpdateSet((eb) => ({
        times_asked: eb('unanswered_questions.times_asked', '+', 1),
        last_asked_at: now,
        question,
        dismissed_at: null,
      })),
    )
    .execute();
}

/** Not dismissed, most asked first, then most recent. */
export async function unansweredQuestions(db: Executor, limit: number) {
  return db
    .selectFrom('unanswered_questions')
    .select(['id', 'question', 'times_asked', 'first_asked_at', 'last_asked_at'])
    .where('dismissed_at', 'is', null)
    .orderBy('times_asked', 'desc')
    .orderBy('last_asked_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export async function dismissUnanswered(db: Executor, id: number, now: number): Promise<boolean> {
  const r = await db
    .updateTable('unanswered_questions')
    .set({ dismissed_at: now })
    .where('id', '=', id)
    .where('dismissed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
