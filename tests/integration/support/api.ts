import { totpCode } from "../../support/identity-fixtures.ts";
import { localStack } from "./emulator.ts";

export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
  /** The answer repeats the first one for the request's Idempotency-Key. */
  replayed: boolean;
}

export async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const response = await fetch(`${localStack().apiUrl}${path}`, {
    method,
    headers: {
      "content-type": "application/json",
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    replayed: response.headers.get("idempotent-replayed") === "true",
  };
}

/**
 * Signs in through every step the API asks for (password change, MFA enrolment or verification)
 * and returns a full session's token, plus the MFA secret for later sign-ins.
 */
export async function signIn(
  userName: string,
  password: string,
  options: { newPassword?: string; mfaSecret?: string } = {},
): Promise<{ token: string; mfaSecret?: string; password: string }> {
  let answer = await call("POST", "/auth/login", { body: { userName, password } });
  let currentPassword = password;
  let mfaSecret = options.mfaSecret;
  for (let step = 0; step < 4; step++) {
    if (answer.status !== 200) throw new Error(`sign-in of ${userName} failed: ${JSON.stringify(answer)}`);
    const token = answer.body.token as string;
    switch (answer.body.scope) {
      case "full":
        return { token, mfaSecret, password: currentPassword };
      case "change-password": {
        const newPassword = options.newPassword ?? `${currentPassword}-Renewed9`;
        answer = await call("POST", "/auth/password", { token, body: { currentPassword, newPassword } });
        currentPassword = newPassword;
        break;
      }
      case "enrol-mfa": {
        const enrolment = await call("POST", "/auth/mfa/enrolment", { token });
        mfaSecret = enrolment.body.secret as string;
        answer = await call("POST", "/auth/mfa/verification", {
          token,
          body: { code: await totpCode(mfaSecret, new Date()) },
        });
        break;
      }
      case "verify-mfa":
        if (!mfaSecret) throw new Error(`${userName} has MFA but no secret was given`);
        answer = await call("POST", "/auth/mfa/verification", {
          token,
          body: { code: await totpCode(mfaSecret, new Date()) },
        });
        break;
      default:
        throw new Error(`unexpected scope ${String(answer.body.scope)}`);
    }
  }
  throw new Error(`sign-in of ${userName} did not finish`);
}
