import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  DependencyUnavailableError,
  ForbiddenError,
  NotFoundError,
  StoredItemInvalidError,
  ValidationError,
} from "../../../shared/errors.ts";
import { errorResponse } from "../../../shared/lambda/http.ts";

const body = (r: { body: string }) => JSON.parse(r.body);

describe("error mapping", () => {
  it("answers a bare zod error (a damaged stored item, a bug) with a 500, never blaming the caller", () => {
    const parsed = z.object({ name: z.string() }).safeParse({});

    const response = errorResponse(parsed.error, "r-1");

    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({ code: "INTERNAL", message: "Internal error", requestId: "r-1" });
  });

  it("answers a stored item that fails its schema with a 500 that does not name the item", () => {
    const error = new StoredItemInvalidError({ table: "Tenants", key: { pk: "TENANT#t-1", sk: "PROFILE" } }, [
      { path: "status", message: "Invalid option" },
    ]);

    const response = errorResponse(error, "r-3");

    expect(error.message).toContain("TENANT#t-1");
    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({
      code: "STORED_ITEM_INVALID",
      message: "Internal error",
      requestId: "r-3",
    });
  });

  it("gives a refusal's message in both languages", () => {
    const refusal = new ForbiddenError({
      zh: "只有安全管理员可以更改。",
      en: "Only a security administrator may.",
    });

    expect(body(errorResponse(refusal))).toMatchObject({
      code: "FORBIDDEN",
      message: "Only a security administrator may.",
      messages: { zh: "只有安全管理员可以更改。", en: "Only a security administrator may." },
    });
  });

  it.each([
    [new NotFoundError("no such system"), 404, "NOT_FOUND"],
    [new DependencyUnavailableError("table down"), 503, "DEPENDENCY_UNAVAILABLE"],
    [new ValidationError("bad", [{ path: "a", message: "b" }]), 400, "VALIDATION_FAILED"],
  ])("maps %s to its status and stable code", (error, status, code) => {
    const response = errorResponse(error);

    expect(response.statusCode).toBe(status);
    expect(body(response)).toMatchObject({ code, message: error.message });
  });

  it("hides the message of an unexpected error behind a generic 500", () => {
    const response = errorResponse(new Error("password=hunter2 leaked in a stack"), "r-2");

    expect(response.statusCode).toBe(500);
    expect(body(response)).toEqual({ code: "INTERNAL", message: "Internal error", requestId: "r-2" });
  });

  it("keeps error names intact so Step Functions can match them after minification", () => {
    expect(new DependencyUnavailableError("x").name).toBe("DependencyUnavailableError");
    expect(new NotFoundError("x").name).toBe("NotFoundError");
  });
});
