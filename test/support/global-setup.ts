// Replaced by the database bootstrap once the store lands; proxies would swallow localhost SDK traffic.
export default function setup(): void {
  for (const v of ['http_proxy', 'https_proxy', 'HTTP_PROXY', 'HTTPS_PROXY']) delete process.env[v];
}
