import { describe, expect, it } from "vitest";
import { auditRoutes } from "../../../functions/api/audit.ts";
import { authRoutes } from "../../../functions/api/auth.ts";
import { backupRoutes } from "../../../functions/api/backups.ts";
import { drillRoutes } from "../../../functions/api/drills.ts";
import { failoverRoutes } from "../../../functions/api/failovers.ts";
import { healthRoutes } from "../../../functions/api/health.ts";
import { notificationRoutes } from "../../../functions/api/notifications.ts";
import { replicationRoutes } from "../../../functions/api/replication.ts";
import { snapshotRoutes } from "../../../functions/api/snapshots.ts";
import { systemRoutes } from "../../../functions/api/systems.ts";
import { tenantRoutes } from "../../../functions/api/tenants.ts";
import { userRoutes } from "../../../functions/api/users.ts";
import { openApiDocument } from "../../../shared/api/openapi.ts";
import { type Family, routes } from "../../../shared/api/routes.ts";
import { permissions } from "../../../shared/identity/permissions.ts";
import { agentRole } from "../../../shared/identity/roles.ts";

/** The route map each family's Lambda exports (functions/api/<family>.ts). */
const served: Record<Family, object> = {
  health: healthRoutes,
  auth: authRoutes,
  tenants: tenantRoutes,
  systems: systemRoutes,
  snapshots: snapshotRoutes,
  drills: drillRoutes,
  failovers: failoverRoutes,
  backups: backupRoutes,
  replication: replicationRoutes,
  notifications: notificationRoutes,
  users: userRoutes,
  audit: auditRoutes,
};
const entries = Object.entries(routes);

describe("route catalogue", () => {
  it.each(Object.keys(served))("the %s handler serves exactly its family's catalogue routes", (family) => {
    const catalogued = entries
      .filter(([, doc]) => doc.family === family)
      .map(([key]) => key)
      .sort();

    expect(Object.keys(served[family as Family]).sort()).toEqual(catalogued);
  });

  it("declares who may call every route: public, the session's own (auth), or a permission", () => {
    const undeclared = entries.filter(([, doc]) => !doc.public && doc.family !== "auth" && !doc.permission);
    const publicWithAccess = entries.filter(
      ([, doc]) => doc.public && (doc.permission || doc.recentSignIn || doc.sessions),
    );

    expect(undeclared.map(([key]) => key)).toEqual([]);
    expect(publicWithAccess.map(([key]) => key)).toEqual([]);
  });

  it("checks a path tenant only on routes that have one, and lets agents reach exactly the routes their role may", () => {
    for (const [key, doc] of entries) {
      if (doc.tenant === "path") expect(key, key).toContain("{tenantId}");
      if (key.includes("{tenantId}")) expect(doc.tenant, key).toBe("path");
      if (doc.tenant === "trail") expect(doc.family, key).toBe("audit");
      const agentMay = doc.permission
        ? (permissions[doc.permission].roles as readonly string[]).includes(agentRole)
        : doc.family === "auth";
      if (doc.sessions?.includes("agent")) expect(agentMay, key).toBe(true);
      else if (doc.permission) expect(agentMay, key).toBe(false);
    }
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
