import { describe, expect, it } from "vitest";
import { z } from "zod";
import { DependencyUnavailableError, NotFoundError, ValidationError } from "../../../shared/errors.ts";
import { errorResponse } from "../../../shared/lambda/http.ts";

const body = (r: { body: string }) => JSON.parse(r.body);

describe("error mapping", () => {
  it("maps a zod error to 400 with the failing field paths", () => {
    const parsed = z
      .object({ name: z.string(), rto: z.object({ minutes: z.number() }) })
      .safeParse({ rto: {} });

    const response = errorResponse(parsed.error, "r-1");

    expect(response.statusCode).toBe(400);
    expect(body(response)).toMatchObject({ code: "VALIDATION_FAILED", requestId: "r-1" });
    expect(
      body(response)
        .fieldErrors.map((f: { path: string }) => f.path)
        .sort(),
    ).toEqual(["name", "rto.minutes"]);
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
