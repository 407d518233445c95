import type { APIGatewayProxyEvent } from "aws-lambda";
import { NotFoundError } from "../errors.ts";

export type RouteKey = `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE"} /${string}`;

/** Picks the route for API Gateway's resource path and method, e.g. "POST /auth/login". */
export function route<T>(
  event: APIGatewayProxyEvent,
  routes: Partial<Record<RouteKey, T>>,
): { key: RouteKey; handler: T } {
  const key = `${event.httpMethod} ${event.resource}` as RouteKey;
  const handler = routes[key];
  if (!handler) throw new NotFoundError(`No route ${key}`);
  return { key, handler };
}
