import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { KMSClient } from "@aws-sdk/client-kms";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { CliError } from "../../agent/errors.ts";
import { DynamoDbSnapshotCatalog } from "../../shared/stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbTenantStore } from "../../shared/stores/dynamodb/tenant-store.ts";
import { KmsTenantKeys } from "../../shared/tenants/kms-tenant-keys.ts";
import { projectRoot, stateDir } from "../paths.ts";
import { emulatorAgentEnv, emulatorClientConfig } from "./aws-clients.ts";
import type { DemoAgent } from "./demo-agent.ts";
import type { LocalStack } from "./deploy.ts";

/** A small government web service's data: pages, attachments and a database dump, ~12 MiB. */
async function writeDemoData(root: string): Promise<void> {
  const files: [string, number][] = [
    ...Array.from(
      { length: 120 },
      (_, i) => [`www/notices/notice-${String(i).padStart(3, "0")}.html`, 2_000 + i * 37] as [string, number],
    ),
    ...Array.from(
      { length: 40 },
      (_, i) => [`www/attachments/form-${i}.pdf`, 60_000 + i * 1_000] as [string, number],
    ),
    ["db/portal.sql", 8 * 1024 * 1024],
    ["config/portal.yaml", 1_200],
  ];
  for (const [name, size] of files) {
    const file = path.join(root, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, randomBytes(size));
  }
}

/**
 * Local stacks only: the demo unit's first system gets real backed-up data, so a new user sees a
 * replicated snapshot and can run a drill at once. The unit's vault key is created as approval
 * would create it; the backup is the agent's own command with the demo agent key, as a unit runs
 * it. Done once: a system that has a snapshot is left alone.
 */
export async function ensureDemoBackup(
  stack: LocalStack,
  agent: DemoAgent,
  log: (line: string) => void,
): Promise<string | undefined> {
  const config = emulatorClientConfig(stack.endpoint, stack.regions.primary);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const catalog = new DynamoDbSnapshotCatalog(db, stack.policiesTable);
  const { tenantId } = agent;
  const [existing] = (await catalog.list(tenantId, agent.systemId, { limit: 1 })).items;
  if (existing) return existing.snapshotId;
  const tenants = new DynamoDbTenantStore(db, stack.tenantsTable);
  let tenant = await tenants.get(tenantId);
  if (!tenant) return undefined;
  if (!tenant.vaultKeyId) {
    const vaultKeyId = await new KmsTenantKeys(new KMSClient(config)).create(tenantId);
    tenant = { ...tenant, vaultKeyId, updatedAt: new Date().toISOString(), version: tenant.version + 1 };
    await tenants.update(tenant);
  }
  const source = path.join(stateDir, "demo-data", "portal");
  await writeDemoData(source);
  log(`backing up the demo system's data (${source}) into the vault`);
  const args = [
    path.join(projectRoot, "cli", "bin", "govdr.js"),
    "backup",
    source,
    "--repo",
    `s3://${stack.vaultBucket}/tenants/${tenantId}/`,
    "--kms-key",
    tenant.vaultKeyId as string,
    "--tenant",
    tenantId,
    "--retain-days",
    "30",
    "--api",
    stack.apiUrl,
    "--agent-key-file",
    agent.file,
  ];
  const env = emulatorAgentEnv(stack);
  const output = await new Promise<{ code: number; text: string }>((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let text = "";
    child.stdout.on("data", (d) => {
      text += d;
    });
    child.stderr.on("data", (d) => {
      text += d;
    });
    child.on("close", (code) => resolve({ code: code ?? 1, text }));
  });
  if (output.code !== 0) throw new CliError(`The demo backup failed: ${output.text.trim()}`);
  return /snapshot ([0-9a-f]{16})/.exec(output.text)?.[1];
}
