/**
 * Walking an emulator's consent page over plain HTTP (the browser test clicks it instead):
 * open the authorize URL, press Allow or Deny (the page's form POSTs back to itself), and
 * read where the CRM sends the person.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';

/** A PKCE pair as a client makes it (RFC 7636, S256). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Shows the consent page, presses the button, and answers the redirect's target. */
export async function pressOnConsentPage(authorizeUrl: string, decision: 'allow' | 'deny'): Promise<URL> {
  const page = await fetch(authorizeUrl);
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('>Allow</button>');
  expect(html).toContain('>Deny</button>');
  const hidden = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) hidden.set(m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  hidden.set('decision', decision);
  const pressed = await fetch(authorizeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: hidden.toString(), redirect: 'manual' });
  expect(pressed.status).toBe(302);
  return new URL(pressed.headers.get('location')!);
}

/** Calls Junction's callback as the browser would, and answers the dashboard fragment it redirects to. */
export async function followCallback(callback: URL | string): Promise<URLSearchParams> {
  const res = await fetch(callback, { redirect: 'manual' });
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  expect(location.startsWith('/#')).toBe(true);
  return new URLSearchParams(location.slice(2));
}
