import type { Tenant } from "../../../../shared/tenants/tenant.ts";
import type { Page } from "../../api/client.ts";

export type Scope = "change-password" | "enrol-mfa" | "verify-mfa" | "full";

/** What a sign-in step answers: the next step's token. */
export interface SignInGrant {
  token: string;
  expiresAt: string;
  scope: Scope;
}

export interface SessionInfo {
  userId: string;
  tenantId: string;
  roles: string[];
  scope: Scope;
  authTime: number;
  amr: string[];
}

export interface AuthResponses {
  "POST /auth/login": SignInGrant;
  "POST /auth/password": SignInGrant;
  "POST /auth/mfa/enrolment": { otpauthUri: string; secret: string };
  "POST /auth/mfa/verification": SignInGrant;
  "POST /auth/refresh": SignInGrant;
  "POST /auth/logout": { signedOut: true };
  "GET /auth/session": SessionInfo;
  "POST /tenants": Tenant;
  "GET /tenants/{tenantId}": Tenant;
  "GET /health": { status: string; service: string; version: string; time: string };
}

export type { Page };
