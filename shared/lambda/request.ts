import type { APIGatewayProxyEvent } from "aws-lambda";
import type { z } from "zod";
import { fieldErrorsOf, ValidationError } from "../errors.ts";
import { illFormedTextPaths } from "../validation/text.ts";

/** At most 64 KiB of JSON per request; larger bodies are refused before parsing. */
const maxBodyBytes = 64 * 1024;

/** The request body as text, decoded when API Gateway passed it base64-encoded. */
export function requestText(event: Pick<APIGatewayProxyEvent, "body" | "isBase64Encoded">): string {
  if (!event.body) return "";
  return event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
}

/** The JSON body validated by `schema`; anything else is a 400 naming the fields. */
export function parseBody<S extends z.ZodType>(
  schema: S,
  event: Pick<APIGatewayProxyEvent, "body" | "isBase64Encoded">,
): z.infer<S> {
  const raw = requestText(event);
  if (Buffer.byteLength(raw) > maxBodyBytes) {
    throw new ValidationError(`The request body is larger than ${maxBodyBytes} bytes`, [
      { path: "", message: "too large" },
    ]);
  }
  let json: unknown;
  try {
    json = raw === "" ? undefined : JSON.parse(raw);
  } catch {
    throw new ValidationError("The request body is not valid JSON", [{ path: "", message: "invalid JSON" }]);
  }
  const illFormed = illFormedTextPaths(json);
  if (illFormed.length > 0) {
    throw new ValidationError(
      "The request holds text that is not valid Unicode",
      illFormed.map((path) => ({
        path,
        message: "must be well-formed Unicode text (it holds a lone UTF-16 surrogate)",
      })),
    );
  }
  return validated(schema, json, "The request is invalid");
}

/** The query string validated by `schema`; anything else is a 400 naming the parameters. */
export function parseQuery<S extends z.ZodType>(
  schema: S,
  event: Pick<APIGatewayProxyEvent, "queryStringParameters">,
): z.infer<S> {
  return validated(schema, event.queryStringParameters ?? {}, "The query string is invalid");
}

/** The path parameters validated by `schema` (e.g. an id's form); anything else is a 400. */
export function parsePath<S extends z.ZodType>(
  schema: S,
  event: Pick<APIGatewayProxyEvent, "pathParameters">,
): z.infer<S> {
  return validated(schema, event.pathParameters ?? {}, "The path is invalid");
}

/** Request parsing throws the validation error itself: a bare ZodError elsewhere is a 500. */
function validated<S extends z.ZodType>(schema: S, value: unknown, message: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationError(message, fieldErrorsOf(parsed.error));
  return parsed.data;
}

/** The caller's bearer token, if any. */
export function bearerToken(
  headers: Record<string, string | undefined> | null | undefined,
): string | undefined {
  const value = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === "authorization")?.[1];
  const match = value?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
