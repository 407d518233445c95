import { generate } from "otplib";
import { hashPassword } from "../../shared/identity/password-hash.ts";
import type { PrincipalRole, Role } from "../../shared/identity/roles.ts";
import type { SecretCipher } from "../../shared/identity/secret-cipher.ts";
import { signingKey } from "../../shared/identity/session-token.ts";
import { newUserRecord, type User } from "../../shared/identity/user.ts";
import { defaultSiteRuleSet } from "../../shared/policies/site-rules.ts";
import { newId } from "../../shared/stores/ids.ts";
import type { Tenant } from "../../shared/tenants/tenant.ts";

export const testKey = signingKey("test-signing-key-that-is-long-enough-0123456789");

/** Reversible stand-in for KMS that still checks the encryption context. */
export const fakeCipher: SecretCipher = {
  encrypt: async (plaintext, context) =>
    Buffer.from(JSON.stringify({ plaintext, context })).toString("base64"),
  decrypt: async (ciphertext, context) => {
    const box = JSON.parse(Buffer.from(ciphertext, "base64").toString());
    if (JSON.stringify(box.context) !== JSON.stringify(context))
      throw new Error("InvalidCiphertextException");
    return box.plaintext;
  },
};

export async function makeUser(options: {
  tenantId: string;
  userName: string;
  password: string;
  roles: Role[];
  mustChangePassword?: boolean;
  at: Date;
}): Promise<User> {
  return newUserRecord({
    tenantId: options.tenantId,
    userName: options.userName,
    displayName: options.userName,
    roles: options.roles,
    passwordHash: await hashPassword(options.password),
    status: "active",
    mustChangePassword: options.mustChangePassword ?? false,
    at: options.at.toISOString(),
  });
}

export function makeTenant(at: Date, status: Tenant["status"] = "active"): Tenant {
  return {
    tenantId: newId("t"),
    name: "某市人力资源和社会保障局",
    unifiedSocialCreditCode: `11500000${String(Math.floor(Math.random() * 1e9)).padStart(9, "0")}X`,
    contact: { name: "王工", email: "it@hrss.example.gov.cn", phone: "023-12345678" },
    status,
    quotas: { storageGiB: 1024, systems: 50 },
    ipAllowList: [],
    siteRuleSet: defaultSiteRuleSet,
    createdAt: at.toISOString(),
    updatedAt: at.toISOString(),
    version: 1,
  };
}

/** The TOTP code an authenticator app would show at `at` for an otpauth:// URI's secret. */
export async function totpCode(secret: string, at: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(at.getTime() / 1000) });
}

/** Claims of a full session, for tests that exercise authorization rules directly. */
export function claimsFor(roles: PrincipalRole[], tid: string, sub = "u-admin0000001") {
  return {
    sub,
    tid,
    roles,
    sid: "00000000-0000-4000-8000-000000000000",
    scope: "full" as const,
    auth_time: 0,
    amr: ["pwd" as const, "otp" as const],
  };
}
