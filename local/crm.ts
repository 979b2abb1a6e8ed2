/**
 * The local stack's CRM (`npm start -- --crm hubspot|pipedrive`, or env `CRM=…`): without a base URL, the
 * HubSpot or Pipedrive stand-in of functions/agent/testing/crm starts on 127.0.0.1 (the real wire format,
 * state in memory) with a known token and webhook credentials; with `HUBSPOT_BASE_URL` / `PIPEDRIVE_BASE_URL`
 * and a token in the environment, the functions talk to that instead. `GET /local/crm` shows what the
 * stand-in holds (companies, contacts, deals, notes, tasks, logged emails, associations).
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { GatewayRoute } from './http-gateway';

export type LocalCrmKind = 'hubspot' | 'pipedrive';

/** Webhook credentials the local stack gives the functions when the environment sets none. */
export const LOCAL_HUBSPOT_WEBHOOK_SECRET = 'local-hubspot-app-client-secret';
export const LOCAL_PIPEDRIVE_WEBHOOK_USER = 'local-pipedrive-hooks';
export const LOCAL_PIPEDRIVE_WEBHOOK_PASSWORD = 'local-pipedrive-hooks-password';

export interface LocalCrm {
  readonly kind: LocalCrmKind;
  /** The API base URL the functions use. */
  readonly baseUrl: string;
  /** The stand-in, when the local stack started one (undefined for an outside base URL). */
  readonly server?:
    | import('../functions/agent/testing/crm/hubspot-server').HubspotServer
    | import('../functions/agent/testing/crm/pipedrive-server').PipedriveServer;
  /** The environment the CRM functions get. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** The CRM a run asks for: `--crm` wins over env `CRM`; `none` or nothing is no CRM. */
export const localCrmKind = (
  flag: string | undefined,
  env: Record<string, string | undefined>,
): LocalCrmKind | undefined => {
  const value = (flag ?? env.CRM ?? 'none').trim();
  if (value === 'hubspot' || value === 'pipedrive') return value;
  if (value === 'none' || value === '') return undefined;
  throw new Error(`--crm / CRM must be hubspot, pipedrive or none, got "${value}"`);
};

/**
 * Starts the CRM of a local run. `env` is what the caller already sets (its base URL and credentials win);
 * `apiUrl` is the local API (webhooks are signed for it; the CRM records link back to its lead pages).
 */
export const startLocalCrm = async (
  kind: LocalCrmKind,
  env: Record<string, string | undefined>,
  apiUrl: string,
): Promise<LocalCrm> => {
  const common = {
    CRM: kind,
    CRM_WEBHOOK_BASE_URL: env.CRM_WEBHOOK_BASE_URL ?? apiUrl,
    LEAD_PAGE_BASE_URL: env.LEAD_PAGE_BASE_URL ?? `${apiUrl}/#lead/`,
  };
  if (kind === 'hubspot') {
    const given = env.HUBSPOT_BASE_URL;
    const { startHubspotServer, HUBSPOT_TEST_TOKEN } = await import(
      '../functions/agent/testing/crm/hubspot-server'
    );
    const server = given ? undefined : await startHubspotServer();
    const baseUrl = given ?? server!.origin;
    return {
      kind,
      baseUrl,
      server,
      env: {
        ...common,
        HUBSPOT_BASE_URL: baseUrl,
        HUBSPOT_ACCESS_TOKEN: env.HUBSPOT_ACCESS_TOKEN ?? (server ? HUBSPOT_TEST_TOKEN : ''),
        HUBSPOT_WEBHOOK_SECRET: env.HUBSPOT_WEBHOOK_SECRET ?? LOCAL_HUBSPOT_WEBHOOK_SECRET,
      },
      close: async () => server?.close(),
    };
  }
  const given = env.PIPEDRIVE_BASE_URL;
  const { startPipedriveServer, PIPEDRIVE_TEST_TOKEN } = await import(
    '../functions/agent/testing/crm/pipedrive-server'
  );
  const server = given ? undefined : await startPipedriveServer();
  const baseUrl = given ?? server!.origin;
  return {
    kind,
    baseUrl,
    server,
    env: {
      ...common,
      PIPEDRIVE_BASE_URL: baseUrl,
      PIPEDRIVE_API_TOKEN: env.PIPEDRIVE_API_TOKEN ?? (server ? PIPEDRIVE_TEST_TOKEN : ''),
      PIPEDRIVE_WEBHOOK_USER: env.PIPEDRIVE_WEBHOOK_USER ?? LOCAL_PIPEDRIVE_WEBHOOK_USER,
      PIPEDRIVE_WEBHOOK_PASSWORD: env.PIPEDRIVE_WEBHOOK_PASSWORD ?? LOCAL_PIPEDRIVE_WEBHOOK_PASSWORD,
    },
    close: async () => server?.close(),
  };
};

/** `GET /local/crm`: every record the local CRM stand-in holds, by type. */
export const localCrmRoutes = (crm: LocalCrm): GatewayRoute[] => [
  {
    method: 'GET',
    path: '/local/crm',
    functionName: 'LocalCrm',
    handler: async (): Promise<APIGatewayProxyStructuredResultV2> => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(
        { crm: crm.kind, baseUrl: crm.baseUrl, ...(crm.server ? crmSnapshot(crm.server) : {}) },
        null,
        2,
      ),
    }),
  },
];

const crmSnapshot = (server: NonNullable<LocalCrm['server']>): Record<string, unknown> => {
  if ('objects' in server) {
    return {
      ...Object.fromEntries([...server.objects].map(([type, objects]) => [type, [...objects.values()]])),
      associations: [...server.associations],
    };
  }
  return Object.fromEntries(Object.entries(server.items).map(([type, items]) => [type, [...items.values()]]));
};
