import { z } from "zod";
import { permissions } from "../identity/permissions.ts";
import { acceptsIdempotencyKey, idempotencyHeader, idempotencyWindowSeconds } from "../lambda/idempotency.ts";
import type { RouteKey } from "../lambda/router.ts";
import { routes, splitRouteKey } from "./routes.ts";

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });

const errorSchema = {
  type: "object",
  required: ["code", "message"],
  properties: {
    code: { type: "string", description: "Stable error code (docs/api.md)" },
    message: { type: "string" },
    requestId: { type: "string" },
    fieldErrors: {
      type: "array",
      items: { type: "object", properties: { path: { type: "string" }, message: { type: "string" } } },
    },
  },
};

const idempotencyKeyParameter = {
  name: idempotencyHeader,
  in: "header",
  required: false,
  description: `A retry with the same key within ${idempotencyWindowSeconds / 3600} h returns the first answer (header Idempotent-Replayed: true); the same key with another request is a 409 IDEMPOTENCY_KEY_REUSED.`,
  schema: { type: "string", pattern: "^[A-Za-z0-9._:-]{8,128}$" },
};

/**
 * Who may call an operation, as the route declares it: the console hides what a role may not do
 * from this, and asks for a fresh sign-in before a `recentSignIn` action.
 */
function accessOf(key: RouteKey, doc: (typeof routes)[RouteKey]) {
  const { method, path } = splitRouteKey(key);
  return {
    idempotencyKey: acceptsIdempotencyKey(method, path),
    public: doc.public === true,
    roles: doc.permission ? [...permissions[doc.permission].roles] : [],
    recentSignIn: doc.recentSignIn === true,
    sessions: [...(doc.sessions ?? [])],
  };
}

/** The OpenAPI 3.1 document of the API, generated from the route catalogue and its zod schemas. */
export function openApiDocument(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, doc] of Object.entries(routes) as [RouteKey, (typeof routes)[RouteKey]][]) {
    const { method, path } = splitRouteKey(key);
    const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({
      name: m[1],
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    const queryParameters = doc.query
      ? Object.entries(
          (jsonSchema(doc.query) as { properties?: Record<string, unknown> }).properties ?? {},
        ).map(([name, schema]) => ({
          name,
          in: "query",
          required: false,
          schema,
        }))
      : [];
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[method.toLowerCase()] = {
      summary: doc.summary,
      tags: [doc.family],
      "x-govdr-access": accessOf(key, doc),
      ...(doc.public ? { security: [] } : {}),
      parameters: [
        ...pathParameters,
        ...queryParameters,
        ...(acceptsIdempotencyKey(method, path) ? [idempotencyKeyParameter] : []),
      ],
      ...(doc.body
        ? {
            requestBody: {
              required: true,
              content: { "application/json": { schema: jsonSchema(doc.body) } },
            },
          }
        : {}),
      responses: {
        "200": { description: "Success" },
        default: {
          description: "Error",
          content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
        },
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: { title: "govdr", version, description: "Disaster recovery as a service for e-government clouds" },
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: { session: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
    },
    security: [{ session: [] }],
  };
}
