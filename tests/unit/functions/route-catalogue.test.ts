import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openApiDocument } from "../../../shared/api/openapi.ts";
import { routes } from "../../../shared/api/routes.ts";

const families = ["health", "auth", "tenants", "systems", "users", "audit"] as const;

/** Route keys a handler file serves, read from its source ("GET /x": …). */
function servedRoutes(family: string): string[] {
  const source = readFileSync(
    path.resolve(import.meta.dirname, "../../../functions/api", `${family}.ts`),
    "utf8",
  );
  return [...source.matchAll(/"((?:GET|POST|PUT|PATCH|DELETE) \/[^"]*)"/g)].map((m) => m[1] as string).sort();
}

describe("route catalogue", () => {
  it.each(families)("the %s handler serves exactly its family's catalogue routes", (family) => {
    const catalogued = Object.entries(routes)
      .filter(([, doc]) => doc.family === family)
      .map(([key]) => key)
      .sort();

    expect(servedRoutes(family)).toEqual(catalogued);
  });

  it("generates an OpenAPI 3.1 document with every route, request schemas and the bearer scheme", () => {
    const doc = openApiDocument("1.2.3");
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );

    expect(doc).toMatchObject({ openapi: "3.1.0", info: { version: "1.2.3" } });
    expect(operations.sort()).toEqual(Object.keys(routes).sort());
    const login = (
      doc.paths["/auth/login"] as Record<
        string,
        {
          security?: unknown[];
          requestBody?: { content: Record<string, { schema: { required: string[] } }> };
        }
      >
    ).post;
    expect(login?.security).toEqual([]);
    expect(login?.requestBody?.content["application/json"]?.schema.required).toEqual([
      "userName",
      "password",
    ]);
    const policyPut = (
      doc.paths["/systems/{systemId}/policy"] as Record<
        string,
        { parameters: { name: string; in: string }[] }
      >
    ).put;
    expect(policyPut?.parameters).toEqual([
      expect.objectContaining({ name: "systemId", in: "path" }),
      expect.objectContaining({ name: "Idempotency-Key", in: "header", required: false }),
    ]);
    const signIn = (doc.paths["/auth/login"] as Record<string, { parameters: { name: string }[] }>).post;
    expect(signIn?.parameters.map((p) => p.name)).not.toContain("Idempotency-Key");
  });
});
