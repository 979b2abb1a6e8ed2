/** Builds field-level issues with English and Dutch text. */
import type { Issue } from './types';

export function issue(field: string, message: string, messageNl: string): Issue {
  return { field, message, messageNl };
}
