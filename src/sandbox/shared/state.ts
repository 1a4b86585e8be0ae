/** State shapes both simulators keep. */

/** One try at delivering a simulated notification to the shop. */
export interface SimNotificationAttempt {
  at: number;
  ok: boolean;
  detail: string;
}
