/**
 * A local stand-in for API Gateway HTTP API (payload format 2.0, Lambda proxy integration). Requests become
 * `APIGatewayProxyEventV2` events for the routes of `FUNCTIONS[*].http` (or `options.routes`), results are
 * mapped back the way API Gateway does:
 * - a structured result (`{ statusCode, headers, body, isBase64Encoded, cookies }`) is sent as is;
 * - anything else (string, object, number, null) → 200 `application/json` with the value as body;
 * - a thrown error or a timed-out handler → 500 `{"message":"Internal Server Error"}`;
 * - no matching route → 404 `{"message":"Not Found"}`; a body over 10 MiB → 413.
 * Request bodies are text (`isBase64Encoded: false`) only for `text/*`, `application/json`, `application/xml`
 * and `application/javascript`; everything else — multipart, binary, *and* `application/x-www-form-urlencoded`
 * (as verified against AWS) — arrives base64-encoded with `isBase64Encoded: true`.
 * `OPTIONS` on a path with a route (and no explicit OPTIONS route) is forwarded to that route's handler without
 * authorization, so handlers can answer CORS preflights locally.
 *
 * Only requests addressed to this gateway are served: the `Host` header must be `localhost`, `127.0.0.1` or
 * `[::1]` with the gateway's port (or one of `allowedHosts`), else 403. A web page whose DNS name an attacker
 * rebinds to 127.0.0.1 sends its own name as `Host`, so it cannot use the local stack (DNS rebinding).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { FUNCTIONS, type FunctionDef, type HttpMethod } from '../infra/data-plane';
import { LOCAL_ACCOUNT_ID } from './aws';
import { createLambdaContext, withTimeout } from './lambda-context';
import { type AnyLambdaHandler, importHandler } from './load-handler';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export type HttpLambdaHandler = AnyLambdaHandler;

export interface GatewayRoute {
  readonly method: HttpMethod | 'OPTIONS' | 'ANY';
  /** API Gateway route path: literal segments, `{param}` (one segment) and a final `{param+}` (greedy). */
  readonly path: string;
  /** Public routes skip `authorize`. Default true. */
  readonly public?: boolean;
  readonly handler: HttpLambdaHandler;
  readonly functionName?: string;
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export interface JwtAuthorization {
  readonly claims: Record<string, string | number | boolean | string[]>;
  readonly scopes?: string[] | null;
}

/**
 * The authorizer: called for non-public routes with the built event (the local stack verifies its dev JWTs here).
 * Return the JWT claims to accept (they land in `requestContext.authorizer.jwt`), or `null`/`false` to answer
 * 401 `{"message":"Unauthorized"}`.
 */
export type Authorize = (
  event: APIGatewayProxyEventV2,
  route: GatewayRoute,
) => Promise<JwtAuthorization | null | false> | JwtAuthorization | null | false;

export interface HttpGatewayOptions {
  /** Default 0 = a free port. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Routes to serve; default: every `http` route of FUNCTIONS, handlers imported from their `entry`. */
  readonly routes?: readonly GatewayRoute[];
  /** Default: no authorizer (every route is served). */
  readonly authorize?: Authorize;
  /** Default 10 MiB, like API Gateway. */
  readonly maxBodyBytes?: number;
  readonly log?: (line: string) => void;
  /** Further `Host` values to serve (`name:port`), e.g. when the gateway listens on a LAN address on purpose. */
  readonly allowedHosts?: readonly string[];
}

/** The `Host` values a gateway on `port` serves: the loopback names with that port, plus `extra`. */
export const loopbackHosts = (port: number, extra: readonly string[] = []): Set<string> =>
  new Set([`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, ...extra].map((h) => h.toLowerCase()));

export interface RunningGateway {
  /** http://127.0.0.1:<port> */
  readonly url: string;
  readonly server: Server;
  readonly routes: readonly GatewayRoute[];
  /** Stops accepting connections and waits for in-flight requests. */
  stop(): Promise<void>;
}

/**
 * Imports the handler of every HTTP function of FUNCTIONS. Call it only after the environment is set: handlers
 * read their configuration when their module loads.
 */
export const loadFunctionRoutes = async (
  functions: Record<string, FunctionDef> = FUNCTIONS,
  root: string = process.cwd(),
): Promise<GatewayRoute[]> => {
  const routes: GatewayRoute[] = [];
  for (const def of Object.values(functions)) {
    if (!def.http?.length) continue;
    const handler = await importHandler(def.entry, root);
    for (const r of def.http) {
      routes.push({
        method: r.method,
        path: r.path,
        public: r.public,
        handler,
        functionName: def.id,
        timeoutSeconds: def.timeoutSeconds,
        memoryMb: def.memoryMb,
      });
    }
  }
  return routes;
};

/* ------------------------------------------------------------------ route matching ------------------------ */

const segments = (path: string) => path.split('/').filter((s) => s.length > 0);

/** Path parameters when `rawPath` matches the route path, else undefined. */
export const matchPath = (routePath: string, rawPath: string): Record<string, string> | undefined => {
  const pattern = segments(routePath);
  const actual = segments(rawPath);
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const greedy = /^\{(.+)\+\}$/.exec(p);
    if (greedy) {
      if (i !== pattern.length - 1 || actual.length <= i) return undefined;
      params[greedy[1]!] = safeDecode(actual.slice(i).join('/'));
      return params;
    }
    const a = actual[i];
    if (a === undefined) return undefined;
    const param = /^\{(.+)\}$/.exec(p);
    if (param) params[param[1]!] = safeDecode(a);
    else if (p !== a) return undefined;
  }
  return actual.length === pattern.length ? params : undefined;
};

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** More literal segments first, then fewer greedy ones (API Gateway: the most specific route wins). */
const specificity = (route: GatewayRoute) => {
  const s = segments(route.path);
  return (
    s.filter((x) => !x.startsWith('{')).length * 1000 +
    s.length * 10 -
    (s.some((x) => x.endsWith('+}')) ? 5 : 0)
  );
};

export const findRoute = (
  routes: readonly GatewayRoute[],
  method: string,
  rawPath: string,
): { route: GatewayRoute; pathParameters: Record<string, string>; preflight: boolean } | undefined => {
  const sorted = [...routes].sort((a, b) => specificity(b) - specificity(a));
  for (const route of sorted) {
    if (route.method !== method && route.method !== 'ANY') continue;
    const params = matchPath(route.path, rawPath);
    if (params) return { route, pathParameters: params, preflight: false };
  }
  if (method === 'OPTIONS') {
    for (const route of sorted) {
      const params = matchPath(route.path, rawPath);
      if (params) return { route, pathParameters: params, preflight: true };
    }
  }
  return undefined;
};

/* ------------------------------------------------------------------ event building ------------------------ */

const TEXT_TYPES = ['application/json', 'application/xml', 'application/javascript'];

/** Whether API Gateway (HTTP API) passes a body of this content type as text rather than base64. */
export const isTextContentType = (contentType: string | undefined): boolean => {
  if (!contentType) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type.startsWith('text/') || TEXT_TYPES.includes(type);
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');
/** API Gateway's `requestContext.time`, e.g. `12/Mar/2020:19:03:58 +0000`. */
export const apiGatewayTime = (d: Date): string =>
  `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())} +0000`;

export interface RawRequest {
  readonly method: string;
  /** Path + query as received, e.g. `/leads/1?x=y`. */
  readonly url: string;
  /** Node's `rawHeaders` (name, value, name, value, …). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  readonly protocol: string;
  readonly localPort?: number;
}

export const buildEvent = (
  req: RawRequest,
  routeKey: string,
  pathParameters: Record<string, string> | undefined,
  now: Date = new Date(),
  requestId: string = randomUUID(),
): APIGatewayProxyEventV2 => {
  const q = req.url.indexOf('?');
  const rawPath = q === -1 ? req.url : req.url.slice(0, q);
  const rawQueryString = q === -1 ? '' : req.url.slice(q + 1);

  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i]!.toLowerCase();
    const value = req.rawHeaders[i + 1]!;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter(Boolean),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] ??= req.sourceIp;
  headers['x-forwarded-proto'] ??= req.protocol.toLowerCase().startsWith('https') ? 'https' : 'http';
  if (req.localPort) headers['x-forwarded-port'] ??= String(req.localPort);

  const query: Record<string, string> = {};
  if (rawQueryString) {
    for (const [k, v] of new URLSearchParams(rawQueryString)) query[k] = k in query ? `${query[k]},${v}` : v;
  }

  const hasBody = req.body.length > 0;
  const text = isTextContentType(headers['content-type']);
  const host = headers.host ?? 'localhost';
  const domainName = host.replace(/:\d+$/, '');
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: req.method,
        path: rawPath,
        protocol: req.protocol,
        sourceIp: req.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId,
      routeKey,
      stage: '$default',
      time: apiGatewayTime(now),
      timeEpoch: now.getTime(),
    },
    ...(pathParameters && Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(hasBody ? { body: text ? req.body.toString('utf8') : req.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
  return event;
};

/* ------------------------------------------------------------------ result mapping ------------------------ */

export interface GatewayResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const jsonResponse = (statusCode: number, message: string): GatewayResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

/** Maps a handler's result to the HTTP answer the way API Gateway HTTP API (payload 2.0) does. */
export const mapResult = (result: unknown): GatewayResponse => {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const r = result as APIGatewayProxyStructuredResultV2;
    const statusCode = Number(r.statusCode);
    if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
      return jsonResponse(500, 'Internal Server Error');
    }
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = [...r.cookies];
    const raw = r.body ?? '';
    const body = r.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
    return { statusCode, headers, body };
  }
  const body = typeof result === 'string' ? result : JSON.stringify(result ?? null);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body, 'utf8'),
  };
};

/* ------------------------------------------------------------------ server -------------------------------- */

class BodyTooLarge extends Error {
  override readonly name = 'BodyTooLarge';
}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolveBody, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      req.resume();
      return reject(new BodyTooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks)));
    req.on('error', reject);
  });

const send = (res: ServerResponse, response: GatewayResponse, requestId: string) => {
  if (res.headersSent) return;
  res.statusCode = response.statusCode;
  for (const [k, v] of Object.entries(response.headers)) res.setHeader(k, v);
  res.setHeader('apigw-requestid', requestId);
  res.setHeader('content-length', response.body.length);
  res.end(response.body);
};

export const startHttpGateway = async (options: HttpGatewayOptions = {}): Promise<RunningGateway> => {
  const log = options.log ?? (() => {});
  const routes = options.routes ?? (await loadFunctionRoutes());
  const limit = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const inFlight = new Set<Promise<void>>();

  let hosts = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    const host = req.headers.host?.toLowerCase();
    if (!host) {
      res.setHeader('connection', 'close');
      return send(res, jsonResponse(400, 'Bad Request: no Host header'), requestId);
    }
    if (!hosts.has(host)) {
      log(`[http] refused a request for another host (${host.slice(0, 100)})`);
      res.setHeader('connection', 'close');
      req.resume();
      return send(res, jsonResponse(403, 'Forbidden: this server answers only for localhost'), requestId);
    }
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const rawPath = url.split('?')[0] ?? '/';
    const found = findRoute(routes, method, rawPath);
    let body: Buffer;
    try {
      body = await readBody(req, limit);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        return send(res, jsonResponse(413, 'Request Entity Too Large'), requestId);
      }
      return send(res, jsonResponse(400, 'Bad Request'), requestId);
    }
    if (!found) return send(res, jsonResponse(404, 'Not Found'), requestId);
    const { route, pathParameters, preflight } = found;
    const routeKey = route.method === 'ANY' ? `ANY ${route.path}` : `${route.method} ${route.path}`;
    const event = buildEvent(
      {
        method,
        url,
        rawHeaders: req.rawHeaders,
        body,
        sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        protocol: `HTTP/${req.httpVersion}`,
        localPort: req.socket.localPort,
      },
      routeKey,
      pathParameters,
      new Date(),
      requestId,
    );
    const started = Date.now();
    const functionName = route.functionName ?? `local${route.method}${route.path}`;
    try {
      if (route.public === false && options.authorize && !preflight) {
        const auth = await options.authorize(event, route);
        if (!auth) return send(res, jsonResponse(401, 'Unauthorized'), requestId);
        (event.requestContext as unknown as Record<string, unknown>).authorizer = {
          jwt: { claims: auth.claims, scopes: auth.scopes ?? null },
        };
      }
      const context = createLambdaContext({
        functionName,
        timeoutSeconds: route.timeoutSeconds,
        memoryMb: route.memoryMb,
      });
      const result = await withTimeout(Promise.resolve(route.handler(event, context)), route.timeoutSeconds);
      const response = mapResult(result);
      send(res, response, requestId);
      log(`[http] ${method} ${route.path} → ${response.statusCode} (${Date.now() - started} ms)`);
    } catch (error) {
      log(
        `[http] ${method} ${route.path} → 500 ${functionName} failed: ${(error as Error)?.name ?? 'Error'}`,
      );
      send(res, jsonResponse(500, 'Internal Server Error'), requestId);
    }
  };

  const server = createServer((req, res) => {
    const p = handle(req, res)
      .catch(() => send(res, jsonResponse(500, 'Internal Server Error'), 'local'))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  await new Promise<void>((r, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => r());
  });
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  hosts = loopbackHosts(port, options.allowedHosts);
  const host =
    options.host && options.host !== '0.0.0.0' && options.host !== '::' ? options.host : '127.0.0.1';
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    routes,
    stop() {
      stopping ??= (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await Promise.allSettled([...inFlight]);
        server.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };
};
