import path from "node:path";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { HeadObjectCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { emulatorAgentEnv } from "../../../cli/local-stack/aws-clients.ts";
import { pollUntil } from "../../../cli/poll.ts";
import { runAgent } from "../../support/agent-cli.ts";
import { writeSampleTree } from "../../support/file-trees.ts";
import { makeTenant, makeUser } from "../../support/identity-fixtures.ts";
import { call, signIn } from "./api.ts";
import { policy, system } from "./bodies.ts";
import { clientConfig, localStack, uniqueName } from "./emulator.ts";
import { agentOf, deployedStores } from "./seed.ts";

const password = "Drill-Admin-2026!";

/**
 * An active unit with its vault key (as approval creates it), a class-3 system and its policy;
 * `replication` adds to the policy's replication section (e.g. the managed transport).
 */
export async function unitWithSystem(
  systemExtra: object = {},
  mode = "database-replication-or-cdp",
  replication: object = {},
) {
  const kms = new KMSClient(clientConfig());
  const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: "drill test tenant key" }));
  const tenant = { ...makeTenant(new Date(), "active"), vaultKeyId: KeyMetadata?.KeyId as string };
  const admin = await makeUser({
    tenantId: tenant.tenantId,
    userName: uniqueName("drill").replace("-", "."),
    password,
    roles: ["tenant-admin"],
    at: new Date(),
  });
  await deployedStores().tenants.register(tenant, admin);
  const { token } = await signIn(admin.userName, password);
  const created = await call("POST", "/systems", { token, body: system("社保经办系统", systemExtra) });
  const systemId = created.body.systemId as string;
  const body = policy({ kind: "every", minutes: 30 }, mode);
  const set = await call("PUT", `/systems/${systemId}/policy`, {
    token,
    body: { ...body, replication: { ...body.replication, ...replication } },
  });
  if (set.status !== 200) throw new Error(`policy: ${JSON.stringify(set)}`);
  return { tenant, token, systemId };
}

/** Backs a sample tree up into the unit's prefix of the primary vault, as a unit's agent does, and records it. */
export async function backUp(unit: Awaited<ReturnType<typeof unitWithSystem>>, work: string) {
  const stack = localStack();
  const agent = await agentOf(unit.token, unit.systemId);
  const source = path.join(work, uniqueName("app"));
  await writeSampleTree(source);
  const repo = `s3://${stack.vaultBucket}/tenants/${unit.tenant.tenantId}/`;
  const run = await runAgent(
    [
      "backup",
      source,
      "--repo",
      repo,
      "--kms-key",
      unit.tenant.vaultKeyId,
      "--tenant",
      unit.tenant.tenantId,
      "--retain-days",
      "1",
    ],
    {
      ...emulatorAgentEnv(stack),
      GOVDR_API_URL: stack.apiUrl,
      GOVDR_AGENT_KEY: agent.credential,
    },
  );
  if (run.code !== 0) throw new Error(`backup: ${run.stderr}`);
  const snapshotId = /snapshot ([0-9a-f]{16})/.exec(run.stdout)?.[1] as string;
  return { snapshotId, prefix: `tenants/${unit.tenant.tenantId}/` };
}

/** Waits until S3 replication has put the snapshot's manifest into the DR vault. */
export async function replicated(prefix: string, snapshotId: string) {
  const stack = localStack();
  const dr = new S3Client(clientConfig(stack.regions.dr));
  await pollUntil(
    async () => {
      const { Contents = [] } = await dr.send(
        new ListObjectsV2Command({ Bucket: stack.drVaultBucket, Prefix: `${prefix}snapshots/` }),
      );
      const manifest = Contents.find((o) => o.Key?.endsWith(`-${snapshotId}`));
      if (!manifest?.Key) return undefined;
      await dr.send(new HeadObjectCommand({ Bucket: stack.drVaultBucket, Key: manifest.Key }));
      return true;
    },
    { timeoutMs: 60_000, intervalMs: 500, what: `snapshot ${snapshotId} in the DR vault` },
  );
}
