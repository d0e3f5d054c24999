/** The experience tier's public face, for src/main.ts and scripts. */
export { createHttpServer, type HttpServerOptions, type JunctionHttpServer } from './server';
export { buildJunctionSchema } from './schema';
export { createJunctionPubSub, type JunctionPubSub, type JunctionPubSubBundle } from './pubsub';
export { WS_CLOSE } from './graphql-ws';
