/**
 * One logger for every function. Log ids, counts and timings only — never emails, names, phone numbers or
 * message text (GDPR; the lead record is the only place personal data lives).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { LoggerConfigSchema, parseConfig } from './config';

const config = parseConfig(LoggerConfigSchema, process.env);
export const logger = new Logger({ serviceName: config.POWERTOOLS_SERVICE_NAME, logLevel: config.LOG_LEVEL });

/** An error's class and a message safe to log (first line, capped; callers never put personal data in it). */
export const describeError = (error: unknown): string => {
  if (error instanceof Error) return `${error.name}: ${error.message.split('\n')[0]?.slice(0, 300) ?? ''}`;
  return 'UnknownError';
};
