import { describe, expect, it } from "vitest";
import { z } from "zod";
import { ValidationError } from "../../../shared/errors.ts";
import { parseBody } from "../../../shared/lambda/request.ts";

const login = z.object({ userName: z.string(), password: z.string() });
const body = (text: string) => ({ body: text, isBase64Encoded: false });

describe("parseBody", () => {
  it("refuses text with lone surrogates with a 400 naming each field, before the schema sees it", () => {
    const attempt = () =>
      parseBody(login, body('{"userName":"\\ud800","password":"a","extra":{"list":["ok","\\udfff"]}}'));

    expect(attempt).toThrow(ValidationError);
    try {
      attempt();
    } catch (error) {
      expect((error as ValidationError).httpStatus).toBe(400);
      expect((error as ValidationError).fieldErrors.map((f) => f.path)).toEqual(["userName", "extra.list.1"]);
    }
  });

  it("accepts surrogate pairs, CJK text and NUL inside strings (the schema decides about those)", () => {
    expect(parseBody(login, body('{"userName":"\\ud83d\\ude00 王工","password":"a\\u0000b"}'))).toEqual({
      userName: "😀 王工",
      password: "a\u0000b",
    });
  });
});
