import { describe, expect, it } from "vitest";
import { checkOutboundUrl } from "../../../shared/net/outbound-url.ts";

const rules = { allowLoopback: false };

describe("the addresses the platform calls on a unit's behalf (D-46)", () => {
  it.each([
    "http://127.0.0.1:8080/health",
    "http://10.1.2.3/health",
    "http://172.16.0.9/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
    "http://[::1]/",
    "http://[fd00::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:10.0.0.1]/",
    "http://[::127.0.0.1]/",
    "http://[64:ff9b::a9fe:a9fe]/",
    "http://[2002:a9fe:a9fe::]/",
  ])("refuses %s, naming the field and the address", async (url) => {
    await expect(checkOutboundUrl(url, "failover.webhook.url", rules)).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      fieldErrors: [expect.objectContaining({ path: "failover.webhook.url" })],
    });
  });

  it("allows public addresses, and loopback only where the local stage allows it", async () => {
    await expect(
      checkOutboundUrl("http://93.184.216.34/health", "healthEndpoint", rules),
    ).resolves.toBeInstanceOf(URL);
    await expect(checkOutboundUrl("http://[2400:3200::1]/", "healthEndpoint", rules)).resolves.toBeInstanceOf(
      URL,
    );
    await expect(
      checkOutboundUrl("http://127.0.0.1:8481/health", "healthEndpoint", { allowLoopback: true }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      checkOutboundUrl("http://10.0.0.1/health", "healthEndpoint", { allowLoopback: true }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });

  it("refuses a name that resolves to nothing", async () => {
    await expect(
      checkOutboundUrl("http://no-such-host.invalid/", "healthEndpoint", rules),
    ).rejects.toMatchObject({
      fieldErrors: [expect.objectContaining({ message: expect.stringContaining("no address") })],
    });
  });
});
