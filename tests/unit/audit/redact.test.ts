import { describe, expect, it } from "vitest";
import { redacted, redactSecrets } from "../../../shared/audit/redact.ts";

describe("redactSecrets", () => {
  it("replaces secrets at any depth and keeps everything else", () => {
    const input = {
      userName: "alice",
      password: "Correct-Horse-Battery-1",
      newPassword: "x",
      mfa: { totpCode: "123456", device: "phone" },
      headers: [{ Authorization: "Bearer abc", "x-request-id": "r-1" }],
      webhook: { url: "https://lb.gov.cn/switch", secretToken: "s" },
      policy: { retention: { days: 30 } },
      agent: { keyId: "ak-4k2m9x0q7w1z", secret: "s", credential: "ak-4k2m9x0q7w1z.s" },
    };

    expect(redactSecrets(input)).toEqual({
      userName: "alice",
      password: redacted,
      newPassword: redacted,
      mfa: { totpCode: redacted, device: "phone" },
      headers: [{ Authorization: redacted, "x-request-id": "r-1" }],
      webhook: { url: "https://lb.gov.cn/switch", secretToken: redacted },
      policy: { retention: { days: 30 } },
      agent: { keyId: "ak-4k2m9x0q7w1z", secret: redacted, credential: redacted },
    });
    expect(input.password).toBe("Correct-Horse-Battery-1");
  });

  it("leaves non-objects alone", () => {
    expect(redactSecrets(null)).toBeNull();
    expect(redactSecrets("password")).toBe("password");
    expect(redactSecrets([1, 2])).toEqual([1, 2]);
  });
});
