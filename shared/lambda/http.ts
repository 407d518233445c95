import type { APIGatewayProxyResult } from "aws-lambda";
import { ZodError } from "zod";
import { fieldErrorsOf, GovdrError, PolicyRejectedError } from "../errors.ts";

export interface ErrorBody {
  code: string;
  message: string;
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

export function jsonResponse(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: securityHeaders, body: JSON.stringify(body) };
}

/**
 * The one mapping from thrown errors to HTTP answers. Unknown errors become a 500 whose body says
 * nothing about internals; the caller logs the error itself with the request id.
 */
export function errorResponse(error: unknown, requestId?: string): APIGatewayProxyResult {
  if (error instanceof ZodError) {
    const fieldErrors = fieldErrorsOf(error);
    return jsonResponse(400, {
      code: "VALIDATION_FAILED",
      message: "Request is invalid",
      requestId,
      fieldErrors,
    });
  }
  if (error instanceof GovdrError) {
    const body: ErrorBody = { code: error.code, message: error.message, requestId };
    if ("fieldErrors" in error && Array.isArray(error.fieldErrors)) body.fieldErrors = error.fieldErrors;
    if (error instanceof PolicyRejectedError) {
      body.findings = error.findings;
      body.fieldErrors = error.findings
        .filter((f) => f.severity === "error")
        .map((f) => ({ path: f.path ?? "", message: `[${f.rule}] ${f.message.en}` }));
    }
    return jsonResponse(error.httpStatus, body);
  }
  return jsonResponse(500, { code: "INTERNAL", message: "Internal error", requestId });
}
