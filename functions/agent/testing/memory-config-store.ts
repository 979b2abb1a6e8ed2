/** The versioned ops configuration in memory, with the same conflict rules as the DynamoDB adapter. */
import { DomainError } from '../errors';
import type {
  ConfigKind,
  ConfigVersion,
  ConfigVersionStore,
  ConfigVersionSummary,
  NewConfigVersion,
} from '../ops-config/versions';

export class InMemoryConfigStore implements ConfigVersionStore {
  private readonly versions = new Map<ConfigKind, ConfigVersion[]>();
  private readonly pointers = new Map<ConfigKind, number>();
  /** Reads of the published pointer, to see the cache at work. */
  pointerReads = 0;

  async publishedNumber(kind: ConfigKind): Promise<number> {
    this.pointerReads++;
    return this.pointers.get(kind) ?? 0;
  }

  async get(kind: ConfigKind, version: number): Promise<ConfigVersion | undefined> {
    const found = this.versions.get(kind)?.find((v) => v.version === version);
    return found ? structuredClone(found) : undefined;
  }

  async list(kind: ConfigKind): Promise<ConfigVersionSummary[]> {
    return [...(this.versions.get(kind) ?? [])]
      .reverse()
      .map(({ yaml: _yaml, ...rest }) => structuredClone(rest));
  }

  private checkPointer(kind: ConfigKind, over: number) {
    if ((this.pointers.get(kind) ?? 0) !== over)
      throw new DomainError('conflict', `The ${kind} configuration changed meanwhile`, { field: 'version' });
  }

  async add(kind: ConfigKind, next: NewConfigVersion, publishOver?: number): Promise<ConfigVersion> {
    if (publishOver !== undefined) this.checkPointer(kind, publishOver);
    const list = this.versions.get(kind) ?? [];
    const version: ConfigVersion = {
      kind,
      version: list.length + 1,
      ...next,
      status: publishOver === undefined ? 'draft' : 'published',
      ...(publishOver === undefined ? {} : { publishedAt: next.at, publishedBy: next.author }),
    };
    this.versions.set(kind, [...list, version]);
    if (publishOver !== undefined) this.pointers.set(kind, version.version);
    return structuredClone(version);
  }

  async publish(
    kind: ConfigKind,
    version: number,
    by: { readonly author: string; readonly at: string },
    over: number,
  ): Promise<ConfigVersion> {
    this.checkPointer(kind, over);
    const list = this.versions.get(kind) ?? [];
    const i = list.findIndex((v) => v.version === version);
    if (i < 0) throw new DomainError('conflict', `No ${kind} version ${version}`, { field: 'version' });
    const updated: ConfigVersion = {
      ...list[i]!,
      status: 'published',
      publishedAt: by.at,
      publishedBy: by.author,
    };
    list[i] = updated;
    this.pointers.set(kind, version);
    return structuredClone(updated);
  }
}
