/** Public API of the intake domain (what the POST /leads handler calls). */
export { contentHash, dedupKeyOf } from './dedup';
export { parseSubmission } from './parse-submission';
export {
  CANONICAL_FIELDS,
  type CanonicalField,
  DEFAULT_INTAKE_SETTINGS,
  type FieldAliases,
  type IntakeSettings,
  IntakeSettingsSchema,
  parseIntakeSettings,
} from './settings';
export {
  SIGNATURE_MAX_AGE_MS,
  type SignatureFailureReason,
  type SignatureInput,
  type SignatureResult,
  signGeneric,
  verifySignature,
} from './signatures';
export type {
  Issue,
  ParseFailure,
  ParseFailureKind,
  ParseResult,
  ParseSuccess,
  SpamReason,
  SubmissionInput,
} from './types';
