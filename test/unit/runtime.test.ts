/** CI tests the runtime that ships: the Docker image's Node 22, which the `node` dev dependency puts first on npm scripts' PATH. */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('the runtime', () => {
  it('is Node 22, in this process and in the node a test spawns', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
    expect(execFileSync('node', ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim().split('.')[0]).toBe('22');
  });
});
