/**
 * Where a validation issue sits in an ops-edited config file, in words an editor can follow: array items are
 * followed by their `id`, e.g. `rules[3] (enterprise-benelux).when.tier[0]`.
 */
export const namedPath = (path: ReadonlyArray<PropertyKey>, raw: unknown): string => {
  let out = '';
  let node: unknown = raw;
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      if (node && typeof node === 'object' && 'id' in node)
        out += ` (${String((node as { id: unknown }).id)})`;
    } else {
      out += out ? `.${String(key)}` : String(key);
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key as string] : undefined;
    }
  }
  return out || '(file)';
};
