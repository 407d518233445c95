import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { drillScheduleGroup, schedulerDrillSchedules } from "../../shared/aws/drill-schedules.ts";
import { drPolicySchema } from "../../shared/policies/policy-schema.ts";
import { DynamoDbHeartbeatTargets } from "../../shared/stores/dynamodb/heartbeat-store.ts";
import { DynamoDbRouteStore } from "../../shared/stores/dynamodb/route-store.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import { DynamoDbTenantStore } from "../../shared/stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../../shared/stores/dynamodb/user-store.ts";
import { DynamoDbWebhookSecretStore } from "../../shared/stores/dynamodb/webhook-secret-store.ts";
import { systemInputSchema } from "../../shared/systems/system.ts";
import { SystemService } from "../../shared/systems/system-service.ts";
import { KmsTenantKeys } from "../../shared/tenants/kms-tenant-keys.ts";
import { emulatorClientConfig } from "./aws-clients.ts";
import { type DemoService, defaultDemoDir, startDemoService } from "./demo-service/demo-service.ts";
import type { LocalStack } from "./deploy.ts";

export const demoFailoverSystemName = "示例市政务服务网（切换演示）";

export interface DemoFailover {
  service: DemoService;
  tenantId: string;
  systemId: string;
}

/** The demo system's failover policy: automatic on 3 missed heartbeats 5 s apart, through the demo's webhook. */
function demoPolicy(stack: LocalStack, service: DemoService) {
  return drPolicySchema.parse({
    backup: {
      sources: [{ type: "directory", path: "/srv/portal" }],
      type: "incremental",
      schedule: { kind: "every", minutes: 30 },
    },
    retention: { days: 180, objectLockMode: "COMPLIANCE" },
    replication: {
      mode: "database-replication-or-cdp",
      site: "remote",
      region: stack.regions.dr,
      distanceKm: 1200,
    },
    crypto: { suite: "sm4-ctr+hmac-sm3" },
    failover: {
      mode: "automatic",
      approvalRequired: false,
      heartbeat: { intervalSeconds: 5, failureThreshold: 3, timeoutSeconds: 2 },
      adapter: "webhook",
      webhook: { url: service.hooksUrl },
      drHealthEndpoint: service.sites.dr.healthUrl,
      approvalTimeoutMinutes: 60,
    },
  });
}

/**
 * Local stacks only (issue #20, item 6): the demo government web service — a primary and a DR site
 * behind a router that follows the platform's route record — and, in the demo unit, the system it
 * is, with an automatic failover policy whose heartbeat probes the primary and whose webhook is the
 * demo's switching endpoint. Kill the primary (`npx govdr demo stop-site primary`) and the platform
 * fails it over; a failback (`POST /systems/{id}/failbacks`, approved) brings it back.
 */
export async function startDemoFailover(
  stack: LocalStack,
  tenantAdmin: string,
  log: (line: string) => void,
  options: { dir?: string; ports?: { router: number; primary: number; dr: number } } = {},
): Promise<DemoFailover | undefined> {
  const dir = options.dir ?? defaultDemoDir;
  const config = emulatorClientConfig(stack.endpoint, stack.regions.primary);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const admin = await new DynamoDbUserStore(db, stack.tenantsTable).findByUserName(tenantAdmin);
  if (!admin) return undefined;
  const tenants = new DynamoDbTenantStore(db, stack.tenantsTable);
  let tenant = await tenants.get(admin.tenantId);
  if (!tenant) return undefined;
  if (!tenant.vaultKeyId) {
    const vaultKeyId = await new KmsTenantKeys(new KMSClient(config)).create(tenant.tenantId);
    tenant = { ...tenant, vaultKeyId, updatedAt: new Date().toISOString(), version: tenant.version + 1 };
    await tenants.update(tenant);
  }
  const systems = new DynamoDbSystemStore(db, stack.policiesTable);
  const service = new SystemService({
    systems,
    now: () => new Date(),
    primaryRegion: stack.regions.primary,
    drillSchedules: schedulerDrillSchedules(
      {
        DRILL_SCHEDULE_GROUP: drillScheduleGroup,
        DRILL_SCHEDULER_TARGET_ARN: stack.scheduledDrillFunctionArn,
        DRILL_SCHEDULER_ROLE_ARN: stack.drillSchedulerRoleArn,
        DRILL_SCHEDULES_IN_UTC: true,
      },
      new SchedulerClient(config),
    ),
    heartbeatTargets: new DynamoDbHeartbeatTargets(db, stack.policiesTable),
  });
  const routes = new DynamoDbRouteStore(db, stack.policiesTable);
  let system = (await systems.list(tenant.tenantId, { limit: 100 })).items.find(
    (s) => s.name === demoFailoverSystemName,
  );
  const secretFile = path.join(dir, "webhook.secret");
  const tenantId = tenant.tenantId;
  const demo = await startDemoService({
    dir,
    ...(options.ports ? { ports: options.ports } : {}),
    secretFile,
    activeSite: async () =>
      system ? ((await routes.get(tenantId, system.systemId))?.activeSite ?? "primary") : "primary",
    log,
  });
  try {
    if (!system) {
      system = await service.create(
        tenant,
        systemInputSchema.parse({
          name: demoFailoverSystemName,
          description:
            "npm start 运行的演示网站：主站点与灾备站点在 127.0.0.1，由平台的路由记录决定由哪个站点提供服务",
          importanceClass: 3,
          drLevel: 3,
          recoveryPriority: 3,
          architecture: "remote-active-standby",
          healthEndpoint: demo.sites.primary.healthUrl,
          assessedOn: new Date().toISOString().slice(0, 10),
        }),
      );
    } else if (system.healthEndpoint !== demo.sites.primary.healthUrl) {
      const input = systemInputSchema.parse({ ...system, healthEndpoint: demo.sites.primary.healthUrl });
      system = await service.update(tenant, system, input, system.version);
    }
    const wanted = demoPolicy(stack, demo);
    const current =
      system.policyVersion > 0
        ? await systems.getPolicy(tenantId, system.systemId, system.policyVersion)
        : undefined;
    if (JSON.stringify(current?.policy) !== JSON.stringify(wanted)) {
      await service.setPolicy(tenant, system, wanted, "govdr-local-seed");
      system = (await systems.get(tenantId, system.systemId)) ?? system;
    }
    const secrets = new DynamoDbWebhookSecretStore(db, new KMSClient(config), stack.policiesTable, {
      keyIdOf: async () => tenant?.vaultKeyId as string,
    });
    const onFile = await readFile(secretFile, "utf8").catch(() => "");
    const stored = await secrets.get(tenantId, system.systemId);
    if (!stored || stored.toString("base64url") !== onFile.trim()) {
      await mkdir(dir, { recursive: true });
      await writeFile(secretFile, `${await secrets.rotate(tenantId, system.systemId)}\n`, { mode: 0o600 });
    }
    return { service: demo, tenantId, systemId: system.systemId };
  } catch (error) {
    await demo.stop();
    throw error;
  }
}
