/** Liveness and readiness for load balancers and orchestrators (SPEC §4). */
import { Router } from 'express';
import type { Logger } from 'pino';
import { type StoreHandle, storeReadiness } from '../process';
import { ReadinessCache } from './readiness-cache';

export function healthRoutes(store: StoreHandle, logger: Logger): Router {
  const router = Router();
  // Alive: the process answers. Deliberately touches nothing else.
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  // Ready: the database answers and every migration this build knows has been applied (as of a check at most a second or so old: readiness-cache.ts).
  const readiness = new ReadinessCache(() => storeReadiness(store));
  router.get('/readyz', async (_req, res) => {
    const answer = await readiness.answer();
    if (!answer.ok) {
      logger.warn({ err: answer.err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    } else if (answer.status === 'migrations pending') res.status(503).json({ status: 'unavailable', reason: 'migrations pending' });
    else res.status(200).json({ status: 'ready' });
  });
  return router;
}
