export interface LogCapture {
  readonly file: string;
  record(chunk: unknown, encoding?: unknown): void;
  marker(text: string): void;
  /** Keep all of stdout (a vitest worker), not only the structured logger's lines (a command-line child). */
  stdoutIsLog: boolean;
}
export function installLogCapture(): LogCapture | undefined;
export function captureConsole(capture: LogCapture | undefined): void;
