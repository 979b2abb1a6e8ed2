/** Imports a function's `handler` from its `entry` (relative to the repository root), the way Lambda loads it. */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// biome-ignore lint/suspicious/noExplicitAny: handlers take and return many shapes.
export type AnyLambdaHandler = (event: any, context: import('aws-lambda').Context) => unknown;

/** Call only after `process.env` holds the function's configuration: handlers read it at module load. */
export const importHandler = async (
  entry: string,
  root: string = process.cwd(),
): Promise<AnyLambdaHandler> => {
  const mod = (await import(pathToFileURL(resolve(root, entry)).href)) as { handler?: AnyLambdaHandler };
  if (typeof mod.handler !== 'function') throw new Error(`${entry} does not export a function named handler`);
  return mod.handler;
};
