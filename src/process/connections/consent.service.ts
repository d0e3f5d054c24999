/**
 * Connecting a CRM by consent (issue 16): OAuth authorization code with PKCE and state.
 * `start` checks what the person gave, keeps it as a pending consent (state single use, 10
 * minutes, bound to the starting API key; verifier and client secret sealed like connection
 * credentials) and answers the CRM's consent URL. `finish` takes the callback's parameters:
 * the state is used up whatever happens, the code is exchanged with the verifier, and the
 * connection is created through ConnectionService.create, as createConnection does. A refusal
 * at the CRM, an unknown, used or expired state, or a key revoked meanwhile creates nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type DataSource } from 'typeorm';
import { crmModule, DEFAULT_CRM_HOST_POLICY, hostPolicyFor, SystemError, type ConsentProtocol, type CrmHostPolicy, type CrmKind } from '../../system';
import type { Principal } from '../access';
import type { CredentialsCipher } from '../security/credentials-cipher';
import { insertPendingConsent, takePendingConsent } from '../store/connections/pending-consent.repository';
import { ConnectionEntity } from '../store/entities';
import { checkApiVersion, checkName, ConnectionInputError, ConnectionNameTakenError } from './connection-input';
import { checkCredentials } from './credentials-input';
import type { ConnectionService } from './connection.service';

/** How long a person has to consent (the state's life). */
export const CONSENT_LIFETIME_MS = 10 * 60 * 1000;
const MAX_SCOPES = 30;

export interface StartConnectCommand {
  kind: CrmKind;
  name: string;
  /** Salesforce's login URL (or My Domain), HubSpot's API host, the Dataverse org URL. */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  scopes?: string[] | null;
  apiVersion?: string | null;
  /** Dynamics: the Entra ID tenant (default `organizations`) and authority (default login.microsoftonline.com). */
  tenantId?: string | null;
  authorityUrl?: string | null;
}

export interface StartedConnect {
  authorizeUrl: string;
  state: string;
  expiresAt: Date;
}

/** Why a callback created no connection; the dashboard says each in words. */
export const CONSENT_FAILURES = ['DENIED', 'CRM_ERROR', 'UNKNOWN_STATE', 'EXPIRED', 'KEY_REVOKED', 'CODE_REFUSED', 'NOT_CREATED'] as const;
export type ConsentFailure = (typeof CONSENT_FAILURES)[number];

export type ConnectOutcome =
  | { ok: true; connection: ConnectionEntity; apiKeyId: string }
  | { ok: false; failure: ConsentFailure; message: string; kind?: string; name?: string };

/** The callback's query parameters, as the CRM sent them. */
export interface CallbackParams {
  state?: string;
  code?: string;
  error?: string;
  error_description?: string;
}

interface Details {
  clientId: string;
  redirectUri: string;
  apiVersion?: string;
  scopes?: string[];
  tenantId?: string;
  authorityUrl?: string;
}

interface Secrets {
  clientSecret: string;
  codeVerifier: string;
}

export interface ConsentServiceOptions {
  /** Junction's public URL: the CRM sends the person back to `{publicUrl}/oauth/callback`. */
  publicUrl: () => string;
  hostPolicy?: CrmHostPolicy;
  /** The clock states expire by (tests move it). */
  now?: () => number;
  timeoutMs?: number;
}

const hashState = (state: string) => createHash('sha256').update(state, 'utf8').digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

export class ConsentService {
  private readonly now: () => number;

  constructor(
    private db: DataSource,
    private cipher: CredentialsCipher,
    private connections: Pick<ConnectionService, 'create' | 'allowedBaseUrl'>,
    private options: ConsentServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The callback URL to register in the CRM's app. */
  redirectUri(): string {
    return `${this.options.publicUrl().replace(/\/+$/, '')}/oauth/callback`;
  }

  async start(command: StartConnectCommand, starter: Principal): Promise<StartedConnect> {
    const protocol = this.protocolOf(command.kind);
    const name = checkName(command.name);
    const baseUrl = this.connections.allowedBaseUrl(command.kind, command.baseUrl);
    const apiVersion = command.apiVersion ? checkApiVersion(command.apiVersion) : undefined;
    // Checked as the connection's credentials will be, with the refresh token the consent is to bring.
    const { tenantId } = checkCredentials(command.kind, { clientId: command.clientId, clientSecret: command.clientSecret, tenantId: command.tenantId, refreshToken: 'granted-by-consent' });
    const clientId = command.clientId.trim();
    const clientSecret = command.clientSecret;
    const scopes = checkScopes(command.scopes);
    const authorityUrl = this.checkAuthority(command, protocol);
    if (await this.db.getRepository(ConnectionEntity).existsBy({ name, deletedAt: IsNull() })) throw new ConnectionNameTakenError(name);

    const state = randomToken();
    const codeVerifier = randomToken();
    const codeChallenge = createHash('sha256').update(codeVerifier, 'ascii').digest('base64url');
    const redirectUri = this.redirectUri();
    const expiresAt = new Date(this.now() + CONSENT_LIFETIME_MS);
    const details: Details = { clientId, redirectUri, ...(apiVersion ? { apiVersion } : {}), ...(scopes ? { scopes } : {}), ...(tenantId ? { tenantId } : {}), ...(authorityUrl ? { authorityUrl } : {}) };
    const secrets: Secrets = { clientSecret, codeVerifier };
    await insertPendingConsent(this.db, {
      stateHash: hashState(state),
      apiKeyId: starter.id,
      kind: command.kind,
      name,
      baseUrl,
      details: { ...details },
      secretsSealed: this.cipher.encrypt(secrets),
      expiresAt,
    });
    const authorizeUrl = protocol.authorizeUrl({ baseUrl, clientId, redirectUri, state, codeChallenge, scopes, tenantId, authorityUrl });
    return { authorizeUrl, state, expiresAt };
  }

  async finish(params: CallbackParams): Promise<ConnectOutcome> {
    if (!params.state) return { ok: false, failure: 'UNKNOWN_STATE', message: 'The CRM sent no state back, so this callback cannot be matched to a connection being made.' };
    const pending = await takePendingConsent(this.db, hashState(params.state));
    if (!pending) return { ok: false, failure: 'UNKNOWN_STATE', message: 'This consent is unknown or was used already: start again from "Connect a CRM".' };
    const about = { kind: pending.kind, name: pending.name };
    if (pending.expiresAt.getTime() <= this.now())
      return { ok: false, failure: 'EXPIRED', message: `The consent took longer than ${CONSENT_LIFETIME_MS / 60_000} minutes: start again from "Connect a CRM".`, ...about };
    if (pending.keyRole !== 'ADMIN') return { ok: false, failure: 'KEY_REVOKED', message: 'The API key that started this consent is no longer a live ADMIN key: nothing was created.', ...about };
    if (params.error === 'access_denied') return { ok: false, failure: 'DENIED', message: 'Access was denied at the CRM: nothing was created.', ...about };
    if (params.error || !params.code) {
      const said = params.error ? `${params.error}${params.error_description ? `: ${params.error_description}` : ''}` : 'no code';
      return { ok: false, failure: 'CRM_ERROR', message: `The CRM answered with an error (${said.slice(0, 300)}): nothing was created.`, ...about };
    }
    const kind = pending.kind as CrmKind;
    const details = pending.details as unknown as Details;
    const secrets = this.cipher.decrypt<Secrets>(pending.secretsSealed);
    let refreshToken: string;
    try {
      ({ refreshToken } = await this.protocolOf(kind).exchange({
        baseUrl: pending.baseUrl,
        clientId: details.clientId,
        clientSecret: secrets.clientSecret,
        redirectUri: details.redirectUri,
        code: params.code,
        codeVerifier: secrets.codeVerifier,
        scopes: details.scopes,
        tenantId: details.tenantId,
        authorityUrl: details.authorityUrl,
        hostPolicy: hostPolicyFor(kind, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY),
        timeoutMs: this.options.timeoutMs,
      }));
    } catch (err) {
      if (!(err instanceof SystemError)) throw err;
      return { ok: false, failure: 'CODE_REFUSED', message: `The CRM did not exchange the code for tokens: ${err.message}. Nothing was created.`, ...about };
    }
    try {
      const connection = await this.connections.create({
        name: pending.name,
        kind,
        baseUrl: pending.baseUrl,
        apiVersion: details.apiVersion,
        // The authority goes with the credentials where they take one (Dynamics refreshes its token there); elsewhere it is dropped.
        credentials: { clientId: details.clientId, clientSecret: secrets.clientSecret, refreshToken, tenantId: details.tenantId, ...(details.authorityUrl ? { authorityUrl: details.authorityUrl } : {}) },
      });
      return { ok: true, connection, apiKeyId: pending.apiKeyId };
    } catch (err) {
      if (!(err instanceof ConnectionNameTakenError) && !(err instanceof ConnectionInputError)) throw err;
      return { ok: false, failure: 'NOT_CREATED', message: `The CRM granted access, but the connection could not be created: ${err.message}.`, ...about };
    }
  }

  private protocolOf(kind: CrmKind): ConsentProtocol {
    let protocol: ConsentProtocol | undefined;
    try {
      protocol = crmModule(kind).consent;
    } catch {
      protocol = undefined;
    }
    if (!protocol) throw new ConnectionInputError('kind', `${kind} cannot be connected by consent`);
    return protocol;
  }

  private checkAuthority(command: StartConnectCommand, protocol: ConsentProtocol): string | undefined {
    const given = command.authorityUrl?.trim().replace(/\/+$/, '');
    if (!given) return undefined;
    if (!protocol.problem) throw new ConnectionInputError('authorityUrl', `${command.kind} takes no authorityUrl`);
    const problem = protocol.problem({ authorityUrl: given }, hostPolicyFor(command.kind, this.options.hostPolicy ?? DEFAULT_CRM_HOST_POLICY));
    if (problem) throw new ConnectionInputError(problem.field, problem.message);
    return given;
  }
}

/** Scopes as the vendors take them: words without spaces, at most MAX_SCOPES; none means the CRM's defaults. */
function checkScopes(scopes: string[] | null | undefined): string[] | undefined {
  if (!scopes?.length) return undefined;
  if (scopes.length > MAX_SCOPES) throw new ConnectionInputError('scopes', `at most ${MAX_SCOPES} scopes`);
  const out = scopes.map((s) => s.trim());
  if (out.some((s) => !s || /\s/.test(s) || s.length > 200)) throw new ConnectionInputError('scopes', 'each scope is one word without spaces');
  return out;
}
