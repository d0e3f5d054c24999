export { ApiKeyService, ROLES, generateApiKey, hashApiKey, type CreatedApiKey, type Principal, type Role } from './api-key.service';
export { AuthFailureCounter, type AuthFailure, type AuthFailureReason } from './auth-failures';
