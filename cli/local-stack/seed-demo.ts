import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { apiAuditEvent } from "../../shared/audit/api-event.ts";
import { DynamoDbAuditLog } from "../../shared/audit/dynamodb-audit-log.ts";
import { oneTimePassword } from "../../shared/identity/one-time-password.ts";
import { hashPassword } from "../../shared/identity/password-hash.ts";
import type { Role } from "../../shared/identity/roles.ts";
import { defaultIdentitySettings } from "../../shared/identity/settings.ts";
import { newUserRecord, type User } from "../../shared/identity/user.ts";
import { DynamoDbTenantStore } from "../../shared/stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../../shared/stores/dynamodb/user-store.ts";
import { newId } from "../../shared/stores/ids.ts";
import { defaultQuotas, type Tenant } from "../../shared/tenants/tenant.ts";
import { emulatorClientConfig } from "./aws-clients.ts";
import type { LocalStack } from "./deploy.ts";

export interface DemoAccount {
  userName: string;
  role: Role;
  /** Set when a (new) one-time password was issued; undefined when the user already chose one. */
  oneTimePassword?: string;
}

/**
 * Local stacks only: a demo unit with an administrator, and a platform administrator, each with a
 * printed one-time password that must be changed at first sign-in (R-IA-08). Idempotent: an unused
 * one-time password is replaced by a new one; a password the user already chose is left alone.
 */
export async function seedDemo(
  stack: LocalStack,
  names = { tenantAdmin: "demo.admin", platformAdmin: "platform.admin", creditCode: "11500000MB0000001X" },
): Promise<DemoAccount[]> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient(emulatorClientConfig(stack.endpoint, stack.regions.primary)),
    {
      marshallOptions: { removeUndefinedValues: true },
    },
  );
  const tenants = new DynamoDbTenantStore(db, stack.tenantsTable);
  const users = new DynamoDbUserStore(db, stack.tenantsTable);
  const audit = new DynamoDbAuditLog(db, stack.auditTable);
  const now = new Date();
  const at = now.toISOString();

  const account = async (
    userName: string,
    role: Role,
    tenantId: string,
    create: (user: User) => Promise<void>,
  ) => {
    const existing = await users.findByUserName(userName);
    if (existing && !existing.mustChangePassword) return { userName, role };
    const password = oneTimePassword(userName, defaultIdentitySettings);
    const passwordHash = await hashPassword(password);
    if (existing) {
      await users.update({
        ...existing,
        passwordHash,
        passwordChangedAt: at,
        updatedAt: at,
        version: existing.version + 1,
      });
    } else {
      await create(
        newUserRecord({
          tenantId,
          userName,
          displayName: userName,
          roles: [role],
          passwordHash,
          status: "active",
          mustChangePassword: true,
          at,
        }),
      );
    }
    await audit.append(
      tenantId,
      apiAuditEvent({
        request: { requestId: newId("s"), parameters: { userName, role } },
        eventSource: "cli.govdr",
        eventName: existing ? "ResetDemoPassword" : "SeedDemoAccount",
        readOnly: false,
        region: stack.regions.primary,
        now,
      }),
    );
    return { userName, role, oneTimePassword: password };
  };

  const demoTenant: Tenant = {
    tenantId: newId("t"),
    name: "演示单位（示例市大数据发展局）",
    unifiedSocialCreditCode: names.creditCode,
    contact: { name: "演示联系人", email: "demo@example.gov.cn", phone: "023-00000000" },
    status: "active",
    quotas: defaultQuotas,
    ipAllowList: [],
    createdAt: at,
    updatedAt: at,
    approvedBy: "govdr-local-seed",
    version: 1,
  };
  return [
    await account(names.tenantAdmin, "tenant-admin", demoTenant.tenantId, (user) =>
      tenants.register(demoTenant, user),
    ),
    await account(names.platformAdmin, "platform-admin", "platform", (user) => users.create(user)),
  ];
}
