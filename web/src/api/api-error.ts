import type { ErrorCode } from "../../../shared/error-codes.ts";
import type { ConsoleErrorCode } from "../i18n/error-messages.ts";
import { localeStore } from "../i18n/locale.ts";
import type { Bilingual } from "../i18n/messages.ts";

export interface FieldError {
  path: string;
  message: string;
}

/** A policy rule the API's validation found broken (POLICY_REJECTED), or a classification finding. */
export interface Finding {
  ruleId?: string;
  rule?: string;
  severity?: string;
  path?: string;
  message?: Bilingual | string;
  [key: string]: unknown;
}

/** An error answer of the API (`{code, message, messages?, requestId?, fieldErrors?}`), or the console's own. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  readonly status: number;
  readonly code: ErrorCode | ConsoleErrorCode;
  readonly messages?: Bilingual;
  readonly requestId?: string;
  readonly fieldErrors: FieldError[];
  readonly findings: Finding[];

  constructor(status: number, body: Record<string, unknown>) {
    super(typeof body.message === "string" ? body.message : `HTTP ${status}`);
    this.status = status;
    this.code = (typeof body.code === "string" ? body.code : "UNKNOWN") as ErrorCode | ConsoleErrorCode;
    if (isBilingual(body.messages)) this.messages = body.messages;
    if (typeof body.requestId === "string") this.requestId = body.requestId;
    this.fieldErrors = Array.isArray(body.fieldErrors) ? (body.fieldErrors as FieldError[]) : [];
    this.findings = Array.isArray(body.findings) ? (body.findings as Finding[]) : [];
  }

  /**
   * The code whose explanation fits. API Gateway answers the authorizer's refusals itself, as a plain
   * 403 FORBIDDEN "Not allowed" without the route's bilingual `messages`; the console's sign-in steps
   * never call a route outside their step, so for the console such a refusal is the unit's IP
   * allow-list (the authorizer's only other reason to deny, D-44).
   */
  explanationCode(): ErrorCode | ConsoleErrorCode {
    if (this.code === "FORBIDDEN" && !this.messages && this.message === "Not allowed")
      return "IP_NOT_ALLOWED";
    return this.code;
  }

  /**
   * What is wrong with the field at `path` (or under it), in the console's language. The API words its
   * field messages in English; in Chinese the console says so in Chinese and keeps the API's words.
   */
  fieldError(path: string): string | undefined {
    const message = this.fieldErrors.find((e) => e.path === path || e.path.startsWith(`${path}.`))?.message;
    if (message === undefined) return undefined;
    return localeStore.get() === "zh" ? `此项不符合要求，请按提示修改（${message}）。` : message;
  }
}

const isBilingual = (value: unknown): value is Bilingual =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Bilingual).zh === "string" &&
  typeof (value as Bilingual).en === "string";

export const isApiError = (error: unknown): error is ApiError => error instanceof ApiError;
