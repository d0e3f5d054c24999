/** Liveness and readiness for load balancers and orchestrators (SPEC §4). */
import { Router } from 'express';
import type { Logger } from 'pino';
import { type StoreHandle, storeReadiness } from '../process';

export function healthRoutes(store: StoreHandle, logger: Logger): Router {
  const router = Router();
  // Alive: the process answers. Deliberately touches nothing else.
  router.get('/healthz', (_req, res) => {
    res.status(200).json({ status: 'ok' });
  });
  // Ready: the database answers and every migration this build knows has been applied.
  router.get('/readyz', async (_req, res) => {
    try {
      if ((await storeReadiness(store)) === 'migrations pending') {
        res.status(503).json({ status: 'unavailable', reason: 'migrations pending' });
        return;
      }
      res.status(200).json({ status: 'ready' });
    } catch (err) {
      logger.warn({ err }, 'readiness check failed');
      res.status(503).json({ status: 'unavailable', reason: 'database unreachable' });
    }
  });
  return router;
}
