// The project's `moduleResolution: node` ignores package "exports", so TypeScript cannot
// see graphql-ws's `use/ws` subpath types; Node resolves the subpath fine at run time.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws.cjs';
}
