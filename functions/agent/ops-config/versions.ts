/**
 * Ops configuration as versioned data: the scoring rules (rules, tier thresholds, quadrant limits), the
 * routing rules and the team (capacity, weights, out-of-office, calendar) are YAML documents kept as numbered
 * versions with author, time and note. A version is saved as a draft or published; exactly one version per
 * kind is published at a time, and the pipeline reads that one (through `PublishedConfig`, cached briefly).
 * Nothing stored yet: the shipped file (config/*.yaml or its replacement) becomes version 1 on first read.
 *
 * Every save and publish validates the document against the same schemas as the shipped files, and routing
 * and team against each other (a rule's team or owner must exist); a refusal is a DomainError
 * (`unprocessable`) with one issue per problem, naming the rule and the field. Pure: the storage is a port.
 */
import { DomainError, type FieldIssue } from '../errors';
import { loadRoutingSetup, type RoutingSetup, RoutingValidationError } from '../route/rules';
import { type CompiledRules, compileRules, loadRules, RulesValidationError } from '../score';

export const CONFIG_KINDS = ['rules', 'routing', 'team'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export const CONFIG_LABEL: Record<ConfigKind, string> = {
  rules: 'scoring rules',
  routing: 'routing rules',
  team: 'team',
};

export type ConfigStatus = 'draft' | 'published';

/** One stored version of one kind. `status` says whether it was ever published. */
export interface ConfigVersion {
  readonly kind: ConfigKind;
  readonly version: number;
  readonly yaml: string;
  readonly author: string;
  readonly at: string;
  readonly note: string;
  readonly status: ConfigStatus;
  readonly publishedAt?: string;
  readonly publishedBy?: string;
}
export type ConfigVersionSummary = Omit<ConfigVersion, 'yaml'>;

export interface NewConfigVersion {
  readonly yaml: string;
  readonly author: string;
  readonly at: string;
  readonly note: string;
}

/**
 * The versions of the ops-edited configuration, per kind. Adapters: functions/platform/config-store-dynamodb.ts
 * and the in-memory one in functions/agent/testing.
 */
export interface ConfigVersionStore {
  /** The published version's number (0: nothing stored). Strongly consistent. */
  publishedNumber(kind: ConfigKind): Promise<number>;
  get(kind: ConfigKind, version: number): Promise<ConfigVersion | undefined>;
  /** Every version, newest first, without the documents. */
  list(kind: ConfigKind): Promise<ConfigVersionSummary[]>;
  /**
   * Stores `next` as the next number. With `publishOver` it is published in the same write, provided the
   * published number is still `publishOver` (else `conflict`).
   */
  add(kind: ConfigKind, next: NewConfigVersion, publishOver?: number): Promise<ConfigVersion>;
  /** Publishes a stored version, provided the published number is still `over` (else `conflict`). */
  publish(
    kind: ConfigKind,
    version: number,
    by: { readonly author: string; readonly at: string },
    over: number,
  ): Promise<ConfigVersion>;
}

/** The published scoring rules and routing setup, as the pipeline (qualify, rescoring) uses them. */
export interface PublishedConfig {
  publishedRules(): Promise<CompiledRules>;
  publishedRouting(): Promise<RoutingSetup>;
}

/** `rules[3] (office-hours).when.between: expected …` → field and message. */
const issueOf = (kind: ConfigKind, line: string): FieldIssue => {
  const at = line.indexOf(': ');
  const path = at > 0 ? line.slice(0, at) : '';
  return { field: path ? `yaml: ${path}` : 'yaml', message: `${CONFIG_LABEL[kind]}: ${line}` };
};

const refused = (kind: ConfigKind, issues: FieldIssue[]) =>
  new DomainError(
    'unprocessable',
    `The ${CONFIG_LABEL[kind]} are not valid: ${issues
      .slice(0, 3)
      .map((i) => i.message)
      .join('; ')}${issues.length > 3 ? ` (and ${issues.length - 3} more)` : ''}`,
    { issues },
  );

/** Scoring rules of one version, compiled; the version number goes into every score's `rulesVersion`. */
export const compileRulesVersion = (yaml: string, version?: number): CompiledRules => {
  try {
    const file = loadRules(yaml);
    return compileRules(version === undefined ? file : { ...file, version: `${file.version}@v${version}` });
  } catch (error) {
    if (error instanceof RulesValidationError)
      throw refused(
        'rules',
        error.issues.map((line) => issueOf('rules', line)),
      );
    throw error;
  }
};

/** Routing with team, both versions named in `version` (stored on every route). */
export const routingOfVersions = (
  routing: { yaml: string; version?: number },
  team: { yaml: string; version?: number },
  editing: ConfigKind = 'routing',
): RoutingSetup => {
  try {
    const setup = loadRoutingSetup(routing.yaml, team.yaml);
    const tag = (v: string, n?: number) => (n === undefined ? v : `${v}@v${n}`);
    return {
      ...setup,
      version: `${tag(setup.routing.version, routing.version)}+${tag(setup.teams.version, team.version)}`,
    };
  } catch (error) {
    if (error instanceof RoutingValidationError)
      throw refused(
        editing,
        error.issues.map((line) => {
          // `routing: rules[2] (x).to.team: …` / `team: people[0] (rep-anna).…`
          const [file, ...rest] = line.split(': ');
          return { ...issueOf(editing, rest.join(': ')), message: `${file}: ${rest.join(': ')}` };
        }),
      );
    throw error;
  }
};

export interface ConfigVersionsDeps {
  readonly store: ConfigVersionStore;
  /** The shipped YAML of each kind: version 1 when nothing is stored. */
  readonly shipped: Readonly<Record<ConfigKind, () => string>>;
  readonly now: () => Date;
}

export interface ConfigState {
  readonly kind: ConfigKind;
  readonly published: ConfigVersion;
  readonly versions: ConfigVersionSummary[];
}

const isConflict = (e: unknown) => e instanceof DomainError && e.kind === 'conflict';

/** The use cases of the ops editor: read, save a draft, publish, roll back. */
export class ConfigVersions {
  constructor(private readonly deps: ConfigVersionsDeps) {}

  /** The published version; seeds version 1 from the shipped file when nothing is stored. */
  async published(kind: ConfigKind): Promise<ConfigVersion> {
    const { store } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const n = await store.publishedNumber(kind);
      if (n > 0) {
        const found = await store.get(kind, n);
        if (found) return found;
      } else {
        const seed = {
          yaml: this.deps.shipped[kind](),
          author: 'seed',
          at: this.deps.now().toISOString(),
          note: 'the shipped file',
        };
        try {
          return await store.add(kind, seed, 0);
        } catch (e) {
          if (!isConflict(e)) throw e; // another instance seeded it first: read again
        }
      }
    }
    throw new DomainError('unavailable', `The published ${CONFIG_LABEL[kind]} cannot be read; try again`);
  }

  async state(kind: ConfigKind): Promise<ConfigState> {
    const published = await this.published(kind);
    return { kind, published, versions: await this.deps.store.list(kind) };
  }

  async get(kind: ConfigKind, version: number): Promise<ConfigVersion> {
    const found = await this.deps.store.get(kind, version);
    if (!found)
      throw new DomainError('not_found', `No ${CONFIG_LABEL[kind]} version ${version}`, { field: 'version' });
    return found;
  }

  /**
   * Validates `yaml` as a document of `kind` (against the published other half for routing and team) and
   * returns what it compiles to. Throws a DomainError (`unprocessable`) naming the rule and field.
   */
  async validate(kind: ConfigKind, yaml: string): Promise<CompiledRules | RoutingSetup> {
    if (kind === 'rules') return compileRulesVersion(yaml);
    if (kind === 'routing') return routingOfVersions({ yaml }, await this.published('team'), 'routing');
    return routingOfVersions(await this.published('routing'), { yaml }, 'team');
  }

  /**
   * Saves a new version (validated). `publish` publishes it at once; `expectedPublished` (the version the
   * editor saw published) makes a concurrent publish fail with `conflict` instead of being overwritten.
   */
  async save(
    kind: ConfigKind,
    input: { yaml: string; note: string; author: string; publish?: boolean; expectedPublished?: number },
  ): Promise<ConfigVersion> {
    await this.validate(kind, input.yaml);
    const current = (await this.published(kind)).version;
    if (input.publish && input.expectedPublished !== undefined && input.expectedPublished !== current)
      throw this.moved(kind, input.expectedPublished, current);
    const next = {
      yaml: input.yaml,
      note: input.note,
      author: input.author,
      at: this.deps.now().toISOString(),
    };
    return this.deps.store.add(kind, next, input.publish ? (input.expectedPublished ?? current) : undefined);
  }

  /** Publishes a stored version (validated again: the other half may have changed since it was saved). */
  async publish(
    kind: ConfigKind,
    version: number,
    author: string,
    expectedPublished?: number,
  ): Promise<ConfigVersion> {
    const target = await this.get(kind, version);
    const current = (await this.published(kind)).version;
    if (expectedPublished !== undefined && expectedPublished !== current)
      throw this.moved(kind, expectedPublished, current);
    if (current === version)
      throw new DomainError('conflict', `Version ${version} is already the published one`, {
        field: 'version',
      });
    await this.validate(kind, target.yaml);
    return this.deps.store.publish(kind, version, { author, at: this.deps.now().toISOString() }, current);
  }

  /** Publishes an old version's document again, as a new version with a note saying so. */
  async rollback(kind: ConfigKind, version: number, author: string): Promise<ConfigVersion> {
    const old = await this.get(kind, version);
    return this.save(kind, {
      yaml: old.yaml,
      note: `rollback to version ${version}`,
      author,
      publish: true,
    });
  }

  private moved(kind: ConfigKind, expected: number, current: number) {
    return new DomainError(
      'conflict',
      `Someone published ${CONFIG_LABEL[kind]} version ${current} meanwhile (you edited on version ${expected}); reload and try again`,
      { field: 'expectedPublished' },
    );
  }
}

/**
 * The published rules and routing, re-read at most every `ttlMs` and compiled once per version: the short
 * cache keeps a qualification at one read of two small items per minute, and a publish reaches every
 * container within `ttlMs`.
 */
export const cachedPublishedConfig = (
  versions: ConfigVersions,
  ttlMs = 30_000,
  clock: () => number = () => Date.now(),
): PublishedConfig => {
  type Entry<T> = { value: T; key: string; at: number };
  let rules: Entry<CompiledRules> | undefined;
  let routing: Entry<RoutingSetup> | undefined;
  // One read at a time: a batch of leads arriving at a cold or expired cache shares it (and the seeding of
  // version 1) instead of each reading and seeding on its own.
  let readingRules: Promise<CompiledRules> | undefined;
  let readingRouting: Promise<RoutingSetup> | undefined;
  const readRules = async () => {
    const v = await versions.published('rules');
    const key = String(v.version);
    rules =
      rules?.key === key
        ? { ...rules, at: clock() }
        : { value: compileRulesVersion(v.yaml, v.version), key, at: clock() };
    return rules.value;
  };
  const readRouting = async () => {
    const [r, t] = await Promise.all([versions.published('routing'), versions.published('team')]);
    const key = `${r.version}+${t.version}`;
    routing =
      routing?.key === key
        ? { ...routing, at: clock() }
        : { value: routingOfVersions(r, t), key, at: clock() };
    return routing.value;
  };
  return {
    publishedRules() {
      if (rules && clock() - rules.at <= ttlMs) return Promise.resolve(rules.value);
      readingRules ??= readRules().finally(() => {
        readingRules = undefined;
      });
      return readingRules;
    },
    publishedRouting() {
      if (routing && clock() - routing.at <= ttlMs) return Promise.resolve(routing.value);
      readingRouting ??= readRouting().finally(() => {
        readingRouting = undefined;
      });
      return readingRouting;
    },
  };
};
