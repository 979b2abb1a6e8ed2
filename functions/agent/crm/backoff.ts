/** When a failed CRM job comes back: the CRM's hint, else exponential backoff with full jitter, ≤ 15 min. */
export const MAX_DELAY_SECONDS = 900;

export const retryDelaySeconds = (
  attempt: number,
  retryAfterMs: number | undefined,
  random = Math.random,
): number => {
  const backoff = Math.min(MAX_DELAY_SECONDS, 5 * 2 ** Math.min(attempt, 10));
  const jittered = Math.ceil(backoff / 2 + random() * (backoff / 2));
  const hinted = retryAfterMs !== undefined ? Math.ceil(retryAfterMs / 1000) : 0;
  return Math.min(MAX_DELAY_SECONDS, Math.max(1, jittered, hinted));
};
