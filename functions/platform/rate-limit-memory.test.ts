/** The in-memory token buckets of the intake: bursts up to the limit, continuous refill, keys apart. */
import { describe, expect, it } from 'vitest';
import { memoryTokenBuckets } from './rate-limit-memory';

describe('memoryTokenBuckets', () => {
  it('allows a burst of the limit, refuses the next with the seconds until a token, refills over time', async () => {
    // Prepare
    const limiter = memoryTokenBuckets();
    const t0 = new Date('2026-12-01T10:00:00.000Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    // Act
    const burst = [];
    for (let i = 0; i < 6; i++) burst.push(await limiter.consume('source:json', 6, t0));
    const refused = await limiter.consume('source:json', 6, at(1_000));
    const refilled = await limiter.consume('source:json', 6, at(10_500));
    const otherKey = await limiter.consume('source:typeform', 6, at(1_000));
    // Assess
    expect(burst.every((r) => r.allowed)).toBe(true);
    // 6 a minute: a token every 10 s; 1 s in, the next is 9 s away.
    expect(refused).toEqual({ allowed: false, retryAfterSeconds: 9 });
    expect(refilled.allowed).toBe(true);
    expect(otherKey.allowed).toBe(true);
  });

  it('forgets the least recently used keys beyond its size, so many clients cannot grow it without bound', async () => {
    // Prepare
    const limiter = memoryTokenBuckets(100);
    const now = new Date();
    // Act
    for (let i = 0; i < 1_000; i++) await limiter.consume(`client:10.0.${i >> 8}.${i & 255}`, 10, now);
    // Assess
    expect(limiter.size()).toBe(100);
  });
});
