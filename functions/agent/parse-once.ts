/**
 * Parse options for data zod validates once per container: configuration, the shipped files, embedded data
 * sets. On an object schema's first parse zod otherwise generates and compiles a fast path for it
 * (`new Function`), which pays off for schemas parsed on every request but costs a one-time parse more than it
 * saves (together some 10–30 ms of each cold start). Same checks, same results, same messages.
 */
export const PARSE_ONCE = { jitless: true } as const;
