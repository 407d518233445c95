import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A site's health endpoint on 127.0.0.1 that a test can take down and bring back. */
export interface TestSite {
  url: string;
  healthy: boolean;
  probes: number;
  close(): Promise<void>;
}

export async function testSite(name: string): Promise<TestSite> {
  const site = { healthy: true, probes: 0 } as TestSite;
  const server: Server = createServer((request, response) => {
    site.probes++;
    response.writeHead(site.healthy ? 200 : 503, { "content-type": "application/json" });
    response.end(JSON.stringify({ site: name, status: site.healthy ? "ok" : "down", path: request.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  site.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/health`;
  site.close = () => new Promise((resolve) => server.close(() => resolve()));
  return site;
}
