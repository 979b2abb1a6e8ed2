import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../errors';
import { InMemoryConfigStore } from '../testing/memory-config-store';
import { type ConfigKind, ConfigVersions, cachedPublishedConfig } from './versions';

const shippedText = (file: string) =>
  readFileSync(new URL(`../../../config/${file}`, import.meta.url), 'utf8');
const SHIPPED: Record<ConfigKind, () => string> = {
  rules: () => shippedText('scoring-rules.yaml'),
  routing: () => shippedText('routing.yaml'),
  team: () => shippedText('team.yaml'),
};

const setup = () => {
  const store = new InMemoryConfigStore();
  const versions = new ConfigVersions({
    store,
    shipped: SHIPPED,
    now: () => new Date('2026-03-02T10:00:00Z'),
  });
  return { store, versions };
};

const refusal = async (p: Promise<unknown>): Promise<DomainError> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('versioned ops configuration', () => {
  it('seeds version 1 from the shipped file on first read', async () => {
    // Prepare
    const { versions } = setup();
    // Act
    const state = await versions.state('rules');
    // Assess
    expect(state.published).toMatchObject({ version: 1, author: 'seed', status: 'published' });
    expect(state.published.yaml).toBe(SHIPPED.rules());
    expect(state.versions.map((v) => v.version)).toEqual([1]);
  });

  it('refuses an invalid rules document with 422 issues naming the rule and field, and stores nothing', async () => {
    // Prepare
    const { versions } = setup();
    const broken = SHIPPED.rules().replace('points: 20', 'points: 2.5');
    // Act
    const error = await refusal(versions.save('rules', { yaml: broken, note: 'x', author: 'ops-lars' }));
    // Assess
    expect(error.kind).toBe('unprocessable');
    expect(error.issues[0]).toMatchObject({ field: 'yaml: rules[0] (employees-10-200).points' });
    expect(error.issues[0]?.message).toContain('whole number');
    expect((await versions.state('rules')).versions).toHaveLength(1);
  });

  it('checks routing against the published team: an unknown team is named with its rule', async () => {
    // Prepare
    const { versions } = setup();
    const routing = SHIPPED.routing();
    const team = /team: ([a-z-]+)/.exec(routing)?.[1];
    expect(team).toBeDefined();
    // Act
    const error = await refusal(
      versions.save('routing', {
        yaml: routing.replace(`team: ${team}`, 'team: nobody-here'),
        note: 'typo',
        author: 'ops-lars',
      }),
    );
    // Assess
    expect(error.kind).toBe('unprocessable');
    expect(error.issues.map((i) => i.message).join('\n')).toMatch(
      /routing: rules\[\d+\] \([a-z0-9-]+\)\.to\.team: unknown team "nobody-here"/,
    );
  });

  it('keeps drafts apart from the published version until published, then rolls back', async () => {
    // Prepare
    const { versions } = setup();
    const heavier = SHIPPED.rules().replace('points: 20', 'points: 25');
    // Act: a draft
    const draft = await versions.save('rules', {
      yaml: heavier,
      note: 'more weight on size',
      author: 'ops-lars',
    });
    const afterDraft = await versions.state('rules');
    // Assess
    expect(draft).toMatchObject({
      version: 2,
      status: 'draft',
      author: 'ops-lars',
      note: 'more weight on size',
    });
    expect(afterDraft.published.version).toBe(1);

    // Act: publish it, then roll back to 1
    await versions.publish('rules', 2, 'ops-mira', 1);
    const published = await versions.state('rules');
    const rolled = await versions.rollback('rules', 1, 'ops-lars');
    const after = await versions.state('rules');
    // Assess
    expect(published.published).toMatchObject({ version: 2, publishedBy: 'ops-mira' });
    expect(rolled).toMatchObject({ version: 3, status: 'published', note: 'rollback to version 1' });
    expect(after.published.yaml).toBe(SHIPPED.rules());
    expect(after.versions.map((v) => [v.version, v.status])).toEqual([
      [3, 'published'],
      [2, 'published'],
      [1, 'published'],
    ]);
  });

  it('refuses to publish over a version the editor did not see', async () => {
    // Prepare
    const { versions } = setup();
    const a = await versions.save('rules', { yaml: SHIPPED.rules(), note: 'a', author: 'ops-lars' });
    await versions.save('rules', { yaml: SHIPPED.rules(), note: 'b', author: 'ops-mira', publish: true });
    // Act
    const error = await refusal(versions.publish('rules', a.version, 'ops-lars', 1));
    // Assess
    expect(error.kind).toBe('conflict');
    expect((await versions.state('rules')).published.note).toBe('b');
  });

  it('the pipeline sees a published weight within the cache time, tagged with its version', async () => {
    // Prepare
    const { store, versions } = setup();
    let now = 0;
    const source = cachedPublishedConfig(versions, 30_000, () => now);
    const before = await source.publishedRules();
    const rule = (r: typeof before) => r.file.rules.find((x) => x.id === 'employees-10-200')?.points;
    // Act
    await versions.save('rules', {
      yaml: SHIPPED.rules().replace('points: 20', 'points: 33'),
      note: 'size matters more',
      author: 'ops-lars',
      publish: true,
    });
    now = 10_000;
    const cached = await source.publishedRules();
    const readsWhileCached = store.pointerReads;
    now = 40_000;
    const fresh = await source.publishedRules();
    // Assess
    expect(rule(before)).toBe(20);
    expect(rule(cached)).toBe(20);
    expect(rule(fresh)).toBe(33);
    expect(store.pointerReads).toBeGreaterThan(readsWhileCached);
    expect(fresh.rulesVersion).toMatch(/@v2\+[0-9a-f]{8}$/);
    expect((await source.publishedRouting()).version).toMatch(/@v1\+.*@v1$/);
  });

  it('a batch of leads at a cold cache reads and seeds the published config once', async () => {
    // Prepare
    const { store, versions } = setup();
    const source = cachedPublishedConfig(versions, 30_000, () => 0);
    // Act
    const rules = await Promise.all(Array.from({ length: 20 }, () => source.publishedRules()));
    const routing = await Promise.all(Array.from({ length: 20 }, () => source.publishedRouting()));
    // Assess
    expect(new Set(rules).size).toBe(1);
    expect(new Set(routing).size).toBe(1);
    expect(rules[0]?.rulesVersion).toMatch(/@v1\+/);
    // rules, routing and team: one pointer read each (the seeding reads no pointer again)
    expect(store.pointerReads).toBe(3);
    expect((await versions.state('rules')).versions).toHaveLength(1);
  });
});
