import { describe, expect, it } from "vitest";
import { generatedApiFiles, staleGeneratedApiFiles } from "../../../cli/web-api.ts";
import { routes } from "../../../shared/api/routes.ts";

describe("the console's typed client follows the API's OpenAPI document", () => {
  it("has generated types and access rules that match the document (run `npm run web:api` after a route change)", async () => {
    expect(await staleGeneratedApiFiles()).toEqual([]);
  });

  it("types every route of the catalogue and says who may call it", async () => {
    const files = await generatedApiFiles();
    for (const key of Object.keys(routes)) {
      const [method, path] = key.split(" ") as [string, string];
      expect(files["openapi.ts"]).toContain(`"${path}": {`);
      expect(files["access.ts"]).toContain(`"${method} ${path}": {`);
    }
    expect(files["access.ts"]).toMatch(
      /"PUT \/systems\/\{systemId\}\/policy": \{\s+"idempotencyKey": true,\s+"public": false,\s+"roles": \[\s+"tenant-admin"\s+\],\s+"recentSignIn": true/,
    );
  });
});
