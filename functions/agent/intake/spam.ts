/**
 * Spam traps for plain forms: a filled honeypot field, or a form posted too fast (< minFillMs) or too late
 * (> maxFillMs) after its render timestamp. An unreadable timestamp is ignored (the honeypot still works).
 */
import { asDate } from './providers/values';
import type { IntakeSettings } from './settings';
import type { Answer, SpamReason } from './types';

export function detectSpam(
  answers: Answer[],
  settings: Pick<IntakeSettings, 'honeypotFields' | 'timeTrapFields' | 'minFillMs' | 'maxFillMs'>,
  receivedAt: Date,
): SpamReason | undefined {
  if (honeypotFilled(answers, settings.honeypotFields)) return 'honeypot';
  if (timeTrapSprung(answers, settings, receivedAt)) return 'time_trap';
  return undefined;
}

function honeypotFilled(answers: Answer[], honeypotFields: string[]): boolean {
  const names = new Set(honeypotFields);
  return answers.some((answer) => names.has(answer.key) && answer.value.trim() !== '');
}

function timeTrapSprung(
  answers: Answer[],
  settings: Pick<IntakeSettings, 'timeTrapFields' | 'minFillMs' | 'maxFillMs'>,
  receivedAt: Date,
): boolean {
  const names = new Set(settings.timeTrapFields);
  const stamp = answers.find((answer) => names.has(answer.key) && answer.value.trim() !== '');
  if (!stamp) return false;
  const renderedAt = asDate(stamp.value);
  if (!renderedAt) return false;
  const elapsed = receivedAt.getTime() - renderedAt.getTime();
  return elapsed < settings.minFillMs || elapsed > settings.maxFillMs;
}

/** Keys that steer intake itself and must never reach the lead's answers. */
export function controlFieldNames(
  settings: Pick<IntakeSettings, 'honeypotFields' | 'timeTrapFields'>,
): Set<string> {
  return new Set([
    ...settings.honeypotFields,
    ...settings.timeTrapFields,
    '_redirect',
    '_next',
    '_subject',
    '_source',
  ]);
}
