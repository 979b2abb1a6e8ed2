import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { localCrmKind } from './crm';
import { buildEvent, findRoute, isTextContentType, mapResult, matchPath } from './http-gateway';
import { failedRecords } from './sqs-poller';
import { parseArgs } from './start';

const segment = fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/);

describe('http-gateway route matching', () => {
  it('extracts any single-segment value as a path parameter and rejects extra segments', () => {
    fc.assert(
      fc.property(segment, segment, (id, extra) => {
        // Prepare / Act
        const hit = matchPath('/leads/{id}', `/leads/${encodeURIComponent(id)}`);
        const miss = matchPath('/leads/{id}', `/leads/${id}/${extra}`);
        // Assess
        expect(hit).toEqual({ id });
        expect(miss).toBeUndefined();
      }),
    );
  });

  it('forwards OPTIONS to the route of the path as a preflight', () => {
    // Prepare
    const routes = [{ method: 'POST' as const, path: '/leads', handler: () => null }];
    // Act
    const found = findRoute(routes, 'OPTIONS', '/leads');
    // Assess
    expect(found?.preflight).toBe(true);
    expect(findRoute(routes, 'GET', '/leads')).toBeUndefined();
  });
});

describe('http-gateway event and result mapping', () => {
  it('never loses body bytes, whatever the content type', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.constantFrom('application/json', 'image/png', undefined),
        (bytes, type) => {
          // Prepare
          const body =
            type === 'application/json' ? Buffer.from(JSON.stringify([...bytes])) : Buffer.from(bytes);
          // Act
          const event = buildEvent(
            {
              method: 'POST',
              url: '/x',
              rawHeaders: type ? ['Content-Type', type] : [],
              body,
              sourceIp: '127.0.0.1',
              protocol: 'HTTP/1.1',
            },
            'POST /x',
            undefined,
          );
          // Assess
          const decoded = event.isBase64Encoded
            ? Buffer.from(event.body!, 'base64')
            : Buffer.from(event.body!, 'utf8');
          expect(decoded.equals(body)).toBe(true);
          expect(event.isBase64Encoded).toBe(!isTextContentType(type));
        },
      ),
    );
  });

  it('comma-joins duplicate headers and lower-cases their names', () => {
    // Act
    const event = buildEvent(
      {
        method: 'GET',
        url: '/x',
        rawHeaders: ['X-A', '1', 'x-a', '2'],
        body: Buffer.alloc(0),
        sourceIp: '10.0.0.1',
        protocol: 'HTTP/1.1',
      },
      'GET /x',
      undefined,
    );
    // Assess
    expect(event.headers['x-a']).toBe('1,2');
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('maps results like API Gateway: bare values become 200 JSON, bad status codes 500, base64 bodies decoded', () => {
    // Act / Assess
    expect(mapResult({ ok: 1 })).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
    });
    expect(mapResult({ ok: 1 }).body.toString()).toBe('{"ok":1}');
    expect(mapResult({ statusCode: 'x' }).statusCode).toBe(500);
    expect(
      mapResult({
        statusCode: 200,
        body: Buffer.from('hé').toString('base64'),
        isBase64Encoded: true,
      }).body.toString(),
    ).toBe('hé');
  });
});

describe('sqs-poller batch responses', () => {
  it('reads ReportBatchItemFailures and fails the whole batch on an invalid response', () => {
    // Act / Assess
    expect(failedRecords(undefined, ['a'])).toEqual(new Set());
    expect(failedRecords({ batchItemFailures: [] }, ['a'])).toEqual(new Set());
    expect(failedRecords({ batchItemFailures: [{ itemIdentifier: 'a' }] }, ['a', 'b'])).toEqual(
      new Set(['a']),
    );
    expect(failedRecords({ batchItemFailures: [{ itemIdentifier: 'zz' }] }, ['a'])).toBe('all');
    expect(failedRecords({ batchItemFailures: [{ itemIdentifier: '' }] }, ['a'])).toBe('all');
    expect(failedRecords({ batchItemFailures: 'a' }, ['a'])).toBe('all');
  });
});

describe('start CLI', () => {
  it('parses --in-memory and --port, with PORT as default', () => {
    // Act / Assess
    expect(parseArgs([], {})).toEqual({ inMemory: false, port: 3000, seed: false, faults: false });
    expect(parseArgs(['--in-memory', '--port', '4000'], {})).toEqual({
      inMemory: true,
      port: 4000,
      seed: false,
      faults: false,
    });
    expect(parseArgs(['--seed'], {}).seed).toBe(true);
    expect(parseArgs(['--faults'], {}).faults).toBe(true);
    expect(parseArgs([], { PORT: '5000' })).toEqual({
      inMemory: false,
      port: 5000,
      seed: false,
      faults: false,
    });
    expect(() => parseArgs(['--bogus'], {})).toThrow(/Unknown option/);
  });

  it('parses --crm hubspot|pipedrive|none and refuses another CRM', () => {
    // Act / Assess
    expect(parseArgs(['--crm', 'hubspot'], {}).crm).toBe('hubspot');
    expect(parseArgs(['--crm=pipedrive'], {}).crm).toBe('pipedrive');
    expect(parseArgs([], {}).crm).toBeUndefined();
    expect(() => parseArgs(['--crm', 'salesforce'], {})).toThrow(/--crm must be hubspot, pipedrive or none/);
  });

  it('takes the CRM from --crm before env CRM, and none as no CRM', () => {
    // Act / Assess
    expect(localCrmKind('pipedrive', { CRM: 'hubspot' })).toBe('pipedrive');
    expect(localCrmKind(undefined, { CRM: 'hubspot' })).toBe('hubspot');
    expect(localCrmKind(undefined, {})).toBeUndefined();
    expect(localCrmKind('none', { CRM: 'hubspot' })).toBeUndefined();
    expect(() => localCrmKind(undefined, { CRM: 'zoho' })).toThrow(/hubspot, pipedrive or none/);
  });
});
