/** A Lambda `Context` for handlers invoked by the local stack (gateway, pollers, scheduler). */
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from './aws';

export interface LocalFunctionInfo {
  readonly functionName: string;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export const createLambdaContext = (fn: LocalFunctionInfo, awsRequestId: string = randomUUID()): Context => {
  const deadline = Date.now() + (fn.timeoutSeconds ?? 30) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryMb ?? 128),
    awsRequestId,
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `local/${new Date().toISOString().slice(0, 10)}/${awsRequestId.slice(0, 8)}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
};

/** Races `work` against the function timeout, like Lambda does (the local handler keeps running, though). */
export const withTimeout = async <T>(work: Promise<T>, timeoutSeconds: number | undefined): Promise<T> => {
  if (!timeoutSeconds) return work;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`Task timed out after ${timeoutSeconds} seconds`);
      error.name = 'LambdaTimeout';
      reject(error);
    }, timeoutSeconds * 1000);
    timer.unref?.();
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};
