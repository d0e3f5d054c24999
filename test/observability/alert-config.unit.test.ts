/** The alert webhook settings: both or neither, an http(s) URL, a secret long enough to sign with. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config';

const problems = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
    return [];
  } catch (err) {
    return err instanceof ConfigError ? err.problems : [String(err)];
  }
};

describe('alert webhook configuration', () => {
  it('is off by default and on with a URL and a secret', () => {
    expect(loadConfig({}).alertWebhook).toBeUndefined();
    expect(loadConfig({ JUNCTION_ALERT_WEBHOOK_URL: 'https://hooks.example.com/junction', JUNCTION_ALERT_WEBHOOK_SECRET: 's'.repeat(32) }).alertWebhook).toEqual({
      url: 'https://hooks.example.com/junction',
      secret: 's'.repeat(32),
    });
  });

  it('names every problem: a URL without a secret, a bad URL, a short secret', () => {
    expect(problems({ JUNCTION_ALERT_WEBHOOK_URL: 'https://hooks.example.com/x' }).join('; ')).toContain('JUNCTION_ALERT_WEBHOOK_SECRET is required');
    const both = problems({ JUNCTION_ALERT_WEBHOOK_URL: 'ftp://nope', JUNCTION_ALERT_WEBHOOK_SECRET: 'short' }).join('; ');
    expect(both).toContain('JUNCTION_ALERT_WEBHOOK_URL must be an http(s) URL');
    expect(both).toContain('JUNCTION_ALERT_WEBHOOK_SECRET must be at least 16 characters');
  });
});
