/**
 * A local HTTP server speaking the OpenAI chat-completions wire format (`POST /v1/chat/completions`): a
 * dev tool that stands in for an LLM provider in tests, the benchmarks and the whole-chain proof. Each
 * request is answered by a handler that sees the parsed request body.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  max_tokens?: number;
  max_completion_tokens?: number;
}

export interface ChatReply {
  status?: number;
  headers?: Record<string, string>;
  /** JSON body; ignored when `rawBody` is set. */
  body?: unknown;
  rawBody?: string;
  /** Wait this long before answering (for timeouts). */
  delayMs?: number;
}

export type ChatHandler = (req: { body: ChatRequestBody; index: number }) => ChatReply | Promise<ChatReply>;

export interface ChatServer {
  baseURL: string;
  requests: ChatRequestBody[];
  close: () => Promise<void>;
}

let seq = 0;

/** A real-shaped `chat.completion` object. */
export function chatCompletion(
  content: string | null,
  opts: {
    refusal?: string;
    model?: string;
    promptTokens?: number;
    completionTokens?: number;
    finishReason?: string;
  } = {},
): unknown {
  const promptTokens = opts.promptTokens ?? 900;
  const completionTokens = opts.completionTokens ?? 250;
  return {
    id: `chatcmpl-test${++seq}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: opts.model ?? 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: opts.refusal ?? null, annotations: [] },
        logprobs: null,
        finish_reason: opts.finishReason ?? 'stop',
      },
    ],
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
    },
    system_fingerprint: 'fp_test',
  };
}

/** An OpenAI-style error body. */
export function apiError(message: string, type: string, code: string | null = null): unknown {
  return { error: { message, type, param: null, code } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startChatServer(handler: ChatHandler): Promise<ChatServer> {
  const requests: ChatRequestBody[] = [];
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify(apiError('not found', 'invalid_request_error')));
        return;
      }
      const body = JSON.parse(await readBody(req)) as ChatRequestBody;
      const index = requests.push(body) - 1;
      const reply = await handler({ body, index });
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      const payload = reply.rawBody ?? JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, {
        'content-type': 'application/json',
        'x-request-id': `req_test_${index}`,
        ...reply.headers,
      });
      res.end(payload);
    } catch (err) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify(apiError(`test server: ${(err as Error).message}`, 'server_error')));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
