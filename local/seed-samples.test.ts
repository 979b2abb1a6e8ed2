import { describe, expect, it } from 'vitest';
import { freshTimestamps } from './seed-samples';

describe('sample submissions are seeded as fresh', () => {
  it('moves every instant so the latest is now, keeping their order and gaps and leaving plain dates alone', () => {
    // Prepare
    const body = JSON.stringify({
      landed_at: '2026-11-20T10:12:01Z',
      submitted_at: '2026-11-20T10:15:44Z',
      createdAt: '2026-11-20T10:15:44.500Z',
      start: '2027-01-15',
    });
    const now = new Date('2026-12-02T09:00:00.000Z');
    // Act
    const fresh = JSON.parse(freshTimestamps(body, now)) as Record<string, string>;
    // Assess
    expect(fresh).toEqual({
      landed_at: '2026-12-02T08:56:16Z',
      submitted_at: '2026-12-02T08:59:59Z',
      createdAt: '2026-12-02T09:00:00.000Z',
      start: '2027-01-15',
    });
  });

  it('leaves a body without instants untouched', () => {
    // Act + Assess
    expect(freshTimestamps('email=a%40b.example&company=X')).toBe('email=a%40b.example&company=X');
  });
});
