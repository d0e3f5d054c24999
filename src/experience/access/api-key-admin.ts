/**
 * Creating, listing and revoking API keys from the API. Revoking closes the key's open graphql-ws
 * sockets on this instance at once (other instances notice through the socket sweep).
 *
 * The services object (context.ts) is shared by every area; this area adds its own member
 * by declaration merging instead of widening the shared interface for everyone.
 */
import type { ApiKeyService } from '../../process';
import type { SocketRegistry } from '../security/socket-registry';

export interface ApiKeyAdmin {
  create: ApiKeyService['create'];
  revoke: ApiKeyService['revoke'];
  list: ApiKeyService['list'];
}

declare module '../context' {
  interface ExperienceServices {
    /** Absent when the server was built without a full ApiKeyService (then the key mutations answer NOT_AVAILABLE). */
    apiKeyAdmin?: ApiKeyAdmin;
  }
}

export function createApiKeyAdmin(apiKeys: Pick<ApiKeyService, 'create' | 'revoke' | 'list'>, sockets: SocketRegistry): ApiKeyAdmin {
  return {
    create: (name, role, expiresAt) => apiKeys.create(name, role, expiresAt),
    list: () => apiKeys.list(),
    async revoke(id) {
      const revoked = await apiKeys.revoke(id);
      if (revoked) sockets.closeKey(revoked.id);
      return revoked;
    },
  };
}
