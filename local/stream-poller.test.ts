/**
 * The local stream event source hands the qualify function exactly what Lambda's event filter would: new lead
 * items waiting for qualification — not spam, not the reservation of a lead id, not later changes of a lead.
 */
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../infra/data-plane';
import { matchesFilter } from './stream-poller';

const insert = (image: Record<string, string>, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT') => ({
  eventName,
  dynamodb: { NewImage: Object.fromEntries(Object.entries(image).map(([k, v]) => [k, { S: v }])) },
});

describe('the qualify function’s stream filter', () => {
  const filter = FUNCTIONS.qualify.consumesStream.filter;

  it('passes a new lead in status received, and nothing else', () => {
    // Prepare
    const lead = { pk: 'LEAD#01J', sk: 'LEAD', leadId: '01J', status: 'received' };
    // Act
    const verdicts = {
      newLead: matchesFilter(filter, insert(lead)),
      spam: matchesFilter(filter, insert({ ...lead, status: 'spam' })),
      reservation: matchesFilter(filter, insert({ pk: 'LEAD#01K', sk: 'LEAD', reservedFor: '01J' })),
      laterChange: matchesFilter(filter, insert({ ...lead, status: 'routed' }, 'MODIFY')),
      otherItem: matchesFilter(filter, insert({ pk: 'RR#team', sk: 'SEQ#a', status: 'received' })),
    };
    // Assess
    expect(verdicts).toEqual({
      newLead: true,
      spam: false,
      reservation: false,
      laterChange: false,
      otherItem: false,
    });
  });
});
