import { describe, expect, it } from "vitest";
import { errorCatalogue } from "../../../shared/error-codes.ts";
import { type ConsoleErrorCode, errorMessages } from "../../../web/src/i18n/error-messages.ts";

const consoleCodes: ConsoleErrorCode[] = ["NETWORK_UNREACHABLE", "API_UNREACHABLE", "UNKNOWN"];
const catalogueCodes = Object.keys(errorCatalogue);
const entries = Object.entries(errorMessages);

/** Chinese characters (CJK Unified Ideographs). */
const han = /[\u4e00-\u9fff]/;
/** Anything of Chinese script or typography: ideographs, CJK punctuation, full-width forms. */
const cjk = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;
/** Half-width punctuation a Chinese sentence writes full-width (，。；：？！（）). */
const halfWidthPunctuation = /[,.;:?!()]/;

describe("console error messages (web/src/i18n/error-messages.ts)", () => {
  it("explain every code of the error catalogue", () => {
    const missing = catalogueCodes.filter((code) => !(code in errorMessages));
    expect(missing).toEqual([]);
  });

  it("hold exactly the catalogue's codes and the console's own, nothing stale", () => {
    expect(Object.keys(errorMessages).sort()).toEqual([...catalogueCodes, ...consoleCodes].sort());
  });

  it.each(entries)(
    "%s: says what happened and what to do, in both languages, differently",
    (_code, texts) => {
      for (const language of ["zh", "en"] as const) {
        expect(texts[language].message.trim()).not.toBe("");
        expect(texts[language].next.trim()).not.toBe("");
        expect(texts[language].message).not.toBe(texts[language].next);
      }
      expect(texts.zh.message).not.toBe(texts.en.message);
      expect(texts.zh.next).not.toBe(texts.en.next);
    },
  );

  it.each(entries)("%s: Chinese is Chinese, with full-width punctuation, ending in 。", (_code, { zh }) => {
    for (const text of [zh.message, zh.next]) {
      expect(text).toMatch(han);
      expect(text.endsWith("。")).toBe(true);
      expect(text).not.toMatch(halfWidthPunctuation);
    }
  });

  it.each(entries)(
    "%s: English has no Chinese characters or punctuation, ending in a full stop",
    (_code, { en }) => {
      for (const text of [en.message, en.next]) {
        expect(text).not.toMatch(cjk);
        expect(text.endsWith(".")).toBe(true);
      }
    },
  );
});
