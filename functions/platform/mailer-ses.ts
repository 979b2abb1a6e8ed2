/**
 * Mailer on SES v2 SendEmail (simple content, text body). From = the verified sender with the rep's display
 * name (RFC 5322 quoted, RFC 2047 encoded when not ASCII), Reply-To = the rep, so answers reach a person.
 * Errors are classified for the send state machine: SES answered 429/5xx-throttling → retryable (nothing sent);
 * no connection could be made (refused, no route, name not resolved) → retryable (nothing left this machine);
 * SES answered 4xx → rejected; no answer to a request that went out (timeout, connection reset) → unknown.
 * The client must not retry by itself (`maxAttempts: 1`): an SDK retry after a reset could send twice.
 */
import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { type Mailer, MailerError, type OutgoingMail } from '../agent/ports';

/** `"Anna de Vries" <sales@example.com>`; non-ASCII names as an RFC 2047 encoded word. */
export const formatAddress = (name: string, address: string): string => {
  const clean = name.replace(/[\r\n]+/g, ' ').trim();
  if (!clean) return address;
  if (/^[\x20-\x7e]*$/.test(clean)) return `"${clean.replace(/(["\\])/g, '\\$1')}" <${address}>`;
  return `=?UTF-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?= <${address}>`;
};

const RETRYABLE = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);
/** Network errors raised before the request could be written: SES cannot have received it. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The system error code of a network failure (Node reports a multi-address connect as an AggregateError). */
const errorCode = (error: unknown): string | undefined => {
  const e = error as { code?: unknown; errors?: unknown[]; cause?: unknown };
  if (typeof e?.code === 'string') return e.code;
  const inner = e?.errors?.[0] ?? e?.cause;
  return inner && inner !== error ? errorCode(inner) : undefined;
};

export const sesMailer = (ses: SESv2Client, configurationSet?: string): Mailer => ({
  async send(mail: OutgoingMail) {
    try {
      const out = await ses.send(
        new SendEmailCommand({
          FromEmailAddress: formatAddress(mail.fromName, mail.fromAddress),
          ReplyToAddresses: [mail.replyTo],
          Destination: { ToAddresses: [mail.to] },
          Content: {
            Simple: {
              Subject: { Data: mail.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: mail.text, Charset: 'UTF-8' } },
              ...(mail.headers?.length
                ? { Headers: mail.headers.map((h) => ({ Name: h.name, Value: h.value })) }
                : {}),
            },
          },
          ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
        }),
      );
      if (!out.MessageId) throw new MailerError('SES answered without a MessageId', 'unknown');
      return { messageId: out.MessageId };
    } catch (error) {
      if (error instanceof MailerError) throw error;
      const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      const name = e.name ?? 'Error';
      if (RETRYABLE.has(name) || status === 429 || status === 503) throw new MailerError(name, 'retryable');
      const code = errorCode(error);
      if (status === undefined && code && NOT_CONNECTED.has(code))
        throw new MailerError(`${name} ${code}`, 'retryable');
      if (status !== undefined && status >= 400 && status < 500) throw new MailerError(name, 'rejected');
      throw new MailerError(name, 'unknown');
    }
  },
});
