import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { apiAuditEvent } from "../../shared/audit/api-event.ts";
import { drillScheduleGroup, schedulerDrillSchedules } from "../../shared/aws/drill-schedules.ts";
import { oneTimePassword } from "../../shared/identity/one-time-password.ts";
import { hashPassword } from "../../shared/identity/password-hash.ts";
import type { Role } from "../../shared/identity/roles.ts";
import { defaultIdentitySettings } from "../../shared/identity/settings.ts";
import { newUserRecord, type User } from "../../shared/identity/user.ts";
import { drPolicySchema } from "../../shared/policies/policy-schema.ts";
import { defaultSiteRuleSet } from "../../shared/policies/site-rules.ts";
import { DynamoDbAuditLog } from "../../shared/stores/dynamodb/audit-log.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import { DynamoDbTenantStore } from "../../shared/stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../../shared/stores/dynamodb/user-store.ts";
import { newId } from "../../shared/stores/ids.ts";
import { systemInputSchema } from "../../shared/systems/system.ts";
import { SystemService } from "../../shared/systems/system-service.ts";
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
    await audit.record(
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
    siteRuleSet: defaultSiteRuleSet,
    createdAt: at,
    updatedAt: at,
    approvedBy: "govdr-local-seed",
    version: 1,
  };
  const firstStart = !(await users.findByUserName(names.tenantAdmin));
  const accounts = [
    await account(names.tenantAdmin, "tenant-admin", demoTenant.tenantId, (user) =>
      tenants.register(demoTenant, user),
    ),
    await account(names.platformAdmin, "platform-admin", "platform", (user) => users.create(user)),
  ];
  if (firstStart) await seedDemoSystems(db, stack, demoTenant);
  return accounts;
}

/**
 * Two systems of different classes, each with a policy that passes validation: what a new user sees
 * first. Created through the same service the API uses, so they obey the same rules.
 */
async function seedDemoSystems(db: DynamoDBDocumentClient, stack: LocalStack, tenant: Tenant): Promise<void> {
  const service = new SystemService({
    systems: new DynamoDbSystemStore(db, stack.policiesTable),
    now: () => new Date(),
    primaryRegion: stack.regions.primary,
    drillSchedules: schedulerDrillSchedules(
      {
        DRILL_SCHEDULE_GROUP: drillScheduleGroup,
        DRILL_SCHEDULER_TARGET_ARN: stack.scheduledDrillFunctionArn,
        DRILL_SCHEDULER_ROLE_ARN: stack.drillSchedulerRoleArn,
        DRILL_SCHEDULES_IN_UTC: true,
      },
      new SchedulerClient(emulatorClientConfig(stack.endpoint, stack.regions.primary)),
    ),
  });
  const demo = [
    {
      system: {
        name: "政务服务门户",
        importanceClass: 3,
        drLevel: 3,
        recoveryPriority: 3,
        architecture: "remote-active-standby",
      },
      policy: {
        mode: "database-replication-or-cdp",
        schedule: { kind: "every", minutes: 30 },
        failover: "manual",
      },
    },
    {
      system: {
        name: "内部办公系统",
        importanceClass: 5,
        drLevel: 1,
        recoveryPriority: 1,
        architecture: "remote-active-standby",
      },
      policy: {
        mode: "scheduled-backup",
        schedule: { kind: "daily", at: "01:30", timezone: "Asia/Shanghai" },
        failover: "restore-from-dr",
      },
    },
  ];
  for (const { system, policy } of demo) {
    const created = await service.create(
      tenant,
      systemInputSchema.parse({ ...system, assessedOn: new Date().toISOString().slice(0, 10) }),
    );
    await service.setPolicy(
      tenant,
      created,
      drPolicySchema.parse({
        backup: {
          sources: [{ type: "directory", path: "/srv/data" }],
          type: "incremental",
          schedule: policy.schedule,
        },
        retention: { days: 180, objectLockMode: "COMPLIANCE" },
        replication: { mode: policy.mode, site: "remote", region: stack.regions.dr, distanceKm: 1200 },
        crypto: { suite: "sm4-ctr+hmac-sm3" },
        drill: { type: "simulated", periodMinutes: 1440, startAt: "02:37", timezone: "Asia/Shanghai" },
        failover: { mode: policy.failover, approvalRequired: true, adapter: "record" },
      }),
      "govdr-local-seed",
    );
  }
}
