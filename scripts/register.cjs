// Runs TypeScript sources directly with decorator metadata (tsx/esbuild cannot: see STACK.md).
process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || require('node:path').join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
