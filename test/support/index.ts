export * from './local-aws';
export type { LocalStackContext } from './local-stack-context';
