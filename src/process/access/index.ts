export { ApiKeyService, ROLES, generateApiKey, hashApiKey, visibleKeyPrefix, type CreatedApiKey, type Principal, type Role } from './api-key.service';
export { AuthFailureCounter, type AuthFailure, type AuthFailureCounterOptions, type AuthFailureReason, type AuthFailureReport, type AuthFailureSink } from './auth-failures';
export { AuthFailureStore, type AuthFailureSummary } from './auth-failure-store';
export { AuthThrottle, DEFAULT_AUTH_THROTTLE, type AuthThrottleOptions } from './auth-throttle';
