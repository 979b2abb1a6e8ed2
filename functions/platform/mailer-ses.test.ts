/**
 * How the SES mailer classifies failures for the exactly-once send state machine, against real sockets: a
 * port nobody listens on (nothing can have been sent → retry later) and a server that takes the request and
 * drops the connection without answering (the mail may have gone out → a person decides).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { MailerError, type OutgoingMail } from '../agent/ports';
import { sesMailer } from './mailer-ses';

const mail: OutgoingMail = {
  fromAddress: 'sales@example.com',
  fromName: 'Anna de Vries',
  replyTo: 'anna@example.com',
  to: 'lead@example.test',
  subject: 'Hallo',
  text: 'Zullen we bellen?',
};
const client = (endpoint: string) =>
  new SESv2Client({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });

const failureOf = async (endpoint: string) => {
  const ses = client(endpoint);
  try {
    await sesMailer(ses).send(mail);
    return undefined;
  } catch (error) {
    return error as MailerError;
  } finally {
    ses.destroy();
  }
};

describe('sesMailer failure classes', () => {
  it('calls a refused connection retryable: the request never left', async () => {
    // Prepare: a port that was free a moment ago and has no listener now
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    // Act
    const error = await failureOf(`http://127.0.0.1:${port}`);
    // Assess
    expect(error).toBeInstanceOf(MailerError);
    expect(error?.kind).toBe('retryable');
  });

  it('calls a connection dropped after the request was sent unknown: it may have been delivered', async () => {
    // Prepare: takes the whole request, then resets the connection
    const server = createServer((req) => {
      req.resume();
      req.on('end', () => req.socket.destroy());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      // Act
      const error = await failureOf(`http://127.0.0.1:${port}`);
      // Assess
      expect(error).toBeInstanceOf(MailerError);
      expect(error?.kind).toBe('unknown');
    } finally {
      server.close();
    }
  });

  it('calls a 4xx answer rejected and a throttling answer retryable', async () => {
    // Prepare
    let status = 400;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(status, {
          'content-type': 'application/json',
          'x-amzn-errortype': status === 429 ? 'TooManyRequestsException' : 'BadRequestException',
        });
        res.end(JSON.stringify({ message: 'no' }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      // Act
      const rejected = await failureOf(endpoint);
      status = 429;
      const throttled = await failureOf(endpoint);
      // Assess
      expect(rejected?.kind).toBe('rejected');
      expect(throttled?.kind).toBe('retryable');
    } finally {
      server.close();
    }
  });
});
