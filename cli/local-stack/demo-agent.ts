import { readFile, writeFile } from "node:fs/promises";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { agentCredential, newAgentKey, parseAgentCredential } from "../../shared/agents/agent-key.ts";
import { apiAuditEvent } from "../../shared/audit/api-event.ts";
import { DynamoDbAgentKeyStore } from "../../shared/stores/dynamodb/agent-key-store.ts";
import { DynamoDbAuditLog } from "../../shared/stores/dynamodb/audit-log.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import { DynamoDbUserStore } from "../../shared/stores/dynamodb/user-store.ts";
import { newId } from "../../shared/stores/ids.ts";
import { statePaths } from "../paths.ts";
import { emulatorClientConfig } from "./aws-clients.ts";
import type { LocalStack } from "./deploy.ts";

export interface DemoAgent {
  /** Holds the credential (`<key id>.<secret>`), readable by its owner only. */
  file: string;
  tenantId: string;
  systemId: string;
  systemName: string;
}

/**
 * Local stacks only: a backup-agent key for the demo unit's first system, in a file the agent reads
 * with --agent-key-file, so a backup can be recorded in the local control plane at once. A file
 * whose key still works is kept; otherwise a new key replaces it.
 */
export async function ensureDemoAgent(
  stack: LocalStack,
  tenantAdmin: string,
  file = statePaths.demoAgentKey,
): Promise<DemoAgent | undefined> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient(emulatorClientConfig(stack.endpoint, stack.regions.primary)),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  const agentKeys = new DynamoDbAgentKeyStore(db, stack.tenantsTable);
  const systems = new DynamoDbSystemStore(db, stack.policiesTable);
  const admin = await new DynamoDbUserStore(db, stack.tenantsTable).findByUserName(tenantAdmin);
  if (!admin) return undefined;
  const existing = parseAgentCredential(await readFile(file, "utf8").catch(() => ""));
  const kept = existing && (await agentKeys.get(existing.keyId));
  if (kept && !kept.revokedAt && kept.tenantId === admin.tenantId) {
    const system = await systems.get(kept.tenantId, kept.systemId);
    if (system)
      return { file, tenantId: system.tenantId, systemId: system.systemId, systemName: system.name };
  }
  const [system] = (await systems.list(admin.tenantId, { limit: 1 })).items;
  if (!system) return undefined;
  const now = new Date();
  const { key, secret } = newAgentKey(
    {
      tenantId: admin.tenantId,
      systemId: system.systemId,
      name: "demo agent",
      createdBy: "govdr-local-seed",
    },
    now,
  );
  await agentKeys.create(key);
  await writeFile(file, `${agentCredential(key.keyId, secret)}\n`, { mode: 0o600 });
  await new DynamoDbAuditLog(db, stack.auditTable).record(
    admin.tenantId,
    apiAuditEvent({
      request: { requestId: newId("s"), parameters: { systemId: system.systemId, keyId: key.keyId } },
      eventSource: "cli.govdr",
      eventName: "SeedDemoAgentKey",
      readOnly: false,
      region: stack.regions.primary,
      now,
    }),
  );
  return { file, tenantId: system.tenantId, systemId: system.systemId, systemName: system.name };
}
