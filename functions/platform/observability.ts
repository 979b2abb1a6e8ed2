/**
 * One logger for every function. Log ids, counts and timings only — never emails, names, phone numbers or
 * message text (GDPR; the lead record is the only place personal data lives).
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'lead-qualifier',
  logLevel: (process.env.LOG_LEVEL as 'INFO' | 'DEBUG' | 'WARN' | 'ERROR' | 'SILENT' | undefined) ?? 'INFO',
});

/** An error's class and a message safe to log (first line, capped; callers never put personal data in it). */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]?.slice(0, 300) ?? ''}`;
  return 'UnknownError';
};
