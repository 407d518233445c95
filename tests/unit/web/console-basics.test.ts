import { describe, expect, it } from "vitest";
import { ApiError } from "../../../web/src/api/api-error.ts";
import { urlOf } from "../../../web/src/api/client.ts";
import { formatBytes, formatDuration, formatterFor } from "../../../web/src/i18n/format.ts";
import { setLocale } from "../../../web/src/i18n/locale.ts";
import { defineMessages } from "../../../web/src/i18n/messages.ts";

describe("console: formatting in the user's language", () => {
  it("says durations in days, hours and minutes, and short ones in seconds", () => {
    expect(formatDuration(42, "zh")).toBe("42 秒");
    expect(formatDuration(3_600 + 120, "en")).toBe("1 h 2 min");
    expect(formatDuration(2 * 86_400 + 3_600 + 60, "zh")).toBe("2 天 1 小时");
  });

  it("says sizes in binary units", () => {
    expect(formatBytes(512, "en-GB")).toBe("512 B");
    expect(formatBytes(1536, "en-GB")).toBe("1.5 KiB");
    expect(formatBytes(5 * 1024 ** 3, "zh-CN")).toBe("5 GiB");
  });

  it("gives a time with its zone last, in the browser's time zone", () => {
    expect(formatterFor("zh").dateTime("2026-12-07T10:00:00Z")).toMatch(/^2026\/12\/07 \d\d:00:00 \S+/);
    expect(formatterFor("en").dateTime("2026-12-07T10:00:00Z")).toMatch(/^07\/12\/2026, \d\d:00:00 \S+/);
  });

  it("shows a dash for what is not known instead of a wrong value", () => {
    const format = formatterFor("en");
    expect(format.dateTime(undefined)).toBe("—");
    expect(format.dateTime("not a date")).toBe("—");
    expect(format.bytes(undefined)).toBe("—");
  });
});

describe("console: calls to the API", () => {
  it("fills path parameters encoded and leaves empty query parameters out", () => {
    expect(
      urlOf("/systems/{systemId}/drills", {
        path: { systemId: "s-abc/../x" },
        query: { limit: 25, cursor: undefined, eventName: "" },
      }),
    ).toBe("/api/systems/s-abc%2F..%2Fx/drills?limit=25");
  });

  it("refuses to build a URL with a path parameter missing", () => {
    expect(() => urlOf("/systems/{systemId}", { path: {} })).toThrow(/systemId/);
  });

  it("reads the API's error answer: code, bilingual messages, field errors, request id", () => {
    const error = new ApiError(400, {
      code: "VALIDATION_FAILED",
      message: "Invalid request",
      requestId: "r-1",
      fieldErrors: [{ path: "contact.email", message: "Invalid email address" }],
    });
    expect(error.code).toBe("VALIDATION_FAILED");
    setLocale("en");
    expect(error.fieldError("contact")).toBe("Invalid email address");
    expect(error.fieldError("name")).toBeUndefined();
    setLocale("zh");
    expect(error.fieldError("contact.email")).toBe("此项不符合要求，请按提示修改（Invalid email address）。");
  });

  it("explains the gateway's bare 403 as the unit's IP allow-list, and keeps a route's own refusal", () => {
    expect(new ApiError(403, { code: "FORBIDDEN", message: "Not allowed" }).explanationCode()).toBe(
      "IP_NOT_ALLOWED",
    );
    const route = new ApiError(403, {
      code: "FORBIDDEN",
      message: "Only …",
      messages: { zh: "仅…", en: "Only…" },
    });
    expect(route.explanationCode()).toBe("FORBIDDEN");
    expect(new ApiError(502, {}).code).toBe("UNKNOWN");
  });
});

describe("console: texts in both languages", () => {
  it("gives each language's table, with the same keys", () => {
    const texts = defineMessages({
      zh: { hello: "你好", count: (n: number) => `${n} 个` },
      en: { hello: "Hello", count: (n: number) => `${n} items` },
    });
    expect(texts.in("zh").hello).toBe("你好");
    expect(texts.in("en").count(3)).toBe("3 items");
  });
});
