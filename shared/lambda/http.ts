import type { APIGatewayProxyResult } from "aws-lambda";
import { type Bilingual, GovdrError, PolicyRejectedError, ValidationError } from "../errors.ts";

export interface ErrorBody {
  code: string;
  message: string;
  /** The message in both languages, where people read it (refusals, for instance). */
  messages?: Bilingual;
  requestId?: string;
  fieldErrors?: { path: string; message: string }[];
  findings?: PolicyRejectedError["findings"];
}

export const securityHeaders = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "strict-transport-security": "max-age=63072000; includeSubDomains",
};

/** For HTML answers: no script, nothing loaded from anywhere, not framed; inline styles only. */
export const htmlSecurityHeaders = {
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'",
  "x-frame-options": "DENY",
};

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: securityHeaders, body: JSON.stringify(body) };
}

/**
 * The one mapping from thrown errors to HTTP answers: a GovdrError answers its code's status from
 * the error catalogue; anything else, a ZodError included (request parsing throws ValidationError
 * itself, so a bare one is a bug or a damaged stored item), is a 500. A 5xx answer says nothing
 * about internals; the caller logs the error itself with the request id.
 */
export function errorResponse(error: unknown, requestId?: string): APIGatewayProxyResult {
  if (!(error instanceof GovdrError)) {
    return jsonResponse(500, { code: "INTERNAL", message: "Internal error", requestId });
  }
  const status = error.httpStatus;
  if (status >= 500 && status !== 503) {
    return jsonResponse(status, { code: error.code, message: "Internal error", requestId });
  }
  const body: ErrorBody = { code: error.code, message: error.message, requestId };
  if (error.messages) body.messages = error.messages;
  if (error instanceof ValidationError) body.fieldErrors = error.fieldErrors;
  if (error instanceof PolicyRejectedError) {
    body.findings = error.findings;
    body.fieldErrors = error.findings
      .filter((f) => f.severity === "error")
      .map((f) => ({ path: f.path ?? "", message: `[${f.rule}] ${f.message.en}` }));
  }
  return jsonResponse(status, body);
}
