/**
 * Dataverse webhooks: a service endpoint registered with authentication type WebhookKey gets
 * each step's `RemoteExecutionContext` as JSON (MessageName Create/Update/Delete,
 * PrimaryEntityName, PrimaryEntityId, CorrelationId, OperationId, RequestId, …) POSTed to
 * its URL with `?code=<key>` appended. Dataverse signs nothing, so the key is the proof: it
 * is derived per connection from the client secret (webhook-key.ts) and compared in
 * constant time.
 * https://learn.microsoft.com/power-apps/developer/data-platform/use-webhooks
 */
import type { WebhookRequest, WebhookSecrets, WebhookVerdict, WebhookVerifier } from '../crm-module';
import { webhookKeyMatches } from '../webhook-key';
import { DATAVERSE_ENTITIES } from './descriptor';

/** Dataverse's WebhookKey authentication appends `?code=<key>`. */
const KEY_PARAMETER = 'code';

interface ExecutionContext {
  MessageName?: unknown;
  PrimaryEntityName?: unknown;
  PrimaryEntityId?: unknown;
  CorrelationId?: unknown;
  OperationId?: unknown;
  RequestId?: unknown;
}

/** Logical name (contact) → entity set (contacts), for the tables Junction syncs. */
const ENTITY_SETS: Record<string, string> = Object.fromEntries(Object.entries(DATAVERSE_ENTITIES).map(([set, e]) => [e.logicalName, set]));

function contextOf(rawBody: string): ExecutionContext | undefined {
  try {
    const parsed = JSON.parse(rawBody) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as ExecutionContext) : undefined;
  } catch {
    return undefined;
  }
}

export const dataverseWebhooks: WebhookVerifier = {
  verify(req: WebhookRequest, secrets: WebhookSecrets, _now: number): WebhookVerdict {
    const code = new URL(req.url, 'http://receiver.invalid').searchParams.get(KEY_PARAMETER);
    if (!webhookKeyMatches(code, secrets.clientSecret, secrets.connectionId)) return { ok: false, reason: 'webhook key (code) does not match' };
    const context = contextOf(req.rawBody);
    if (!context) return { ok: false, reason: 'body is not a RemoteExecutionContext' };
    if (typeof context.MessageName !== 'string' || typeof context.PrimaryEntityName !== 'string' || typeof context.PrimaryEntityId !== 'string')
      return { ok: false, reason: 'execution context without MessageName, PrimaryEntityName or PrimaryEntityId' };
    if (typeof context.CorrelationId !== 'string' || (typeof context.OperationId !== 'string' && typeof context.RequestId !== 'string'))
      return { ok: false, reason: 'execution context without CorrelationId and OperationId/RequestId' };
    const set = ENTITY_SETS[context.PrimaryEntityName];
    return { ok: true, remoteTypes: set ? [set] : [] };
  },
  // One context per step execution: its correlation, operation and request ids name that delivery.
  deliveryId(req) {
    const c = contextOf(req.rawBody) ?? {};
    return `dataverse:${String(c.CorrelationId)}:${String(c.OperationId)}:${String(c.RequestId)}:${String(c.PrimaryEntityId)}:${String(c.MessageName)}`;
  },
  replays: 'refuse',
  keyParameter: KEY_PARAMETER,
};
