/** The SES v2 client, created once per container at module scope (see ./dynamodb.ts for why one module each). */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { clientOptions, SES_TIMEOUTS } from './timeouts';

/**
 * One attempt per call: SendEmail is not idempotent, and an SDK retry after a connection reset could send the
 * same mail twice. Retries belong to the send state machine (functions/agent/pipeline/send-draft.ts), which
 * knows when nothing can have been sent (functions/platform/mailer-ses.ts).
 */
export const ses = new SESv2Client(clientOptions(SES_TIMEOUTS));
