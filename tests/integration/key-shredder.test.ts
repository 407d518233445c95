import { DescribeKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { call, signIn } from "./support/api.ts";
import { clientConfig, localStack } from "./support/emulator.ts";
import { deployedStores, platformUser, seedTenantUser } from "./support/seed.ts";

const password = "Shredder-Check-2026!";

async function runShredder() {
  const { Payload, FunctionError } = await new LambdaClient(clientConfig()).send(
    new InvokeCommand({ FunctionName: localStack().keyShredderFunction }),
  );
  const result = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString("utf8"));
  expect(FunctionError, JSON.stringify(result)).toBeUndefined();
  return result as { shredded: { tenantId: string }[] };
}

describe("service exit and crypto-shredding on the local stack (R-EX-02, R-EX-06)", () => {
  it("approval creates the unit's vault key; a month after exit the shredder schedules its deletion", async () => {
    const { tenant, user } = await seedTenantUser({ password, roles: ["tenant-admin"] });
    const stores = deployedStores();
    await stores.tenants.update({ ...tenant, status: "pending", version: tenant.version + 1 });
    const admin = await platformUser("platform-admin");
    const approved = await call("POST", `/tenants/${tenant.tenantId}/approve`, { token: admin.token });
    expect(approved.status).toBe(200);
    const keyId = approved.body.vaultKeyId as string;
    const kms = new KMSClient(clientConfig());
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState).toBe("Enabled");

    const { token } = await signIn(user.userName, password);
    const exited = await call("POST", `/tenants/${tenant.tenantId}/exit`, { token });
    expect(exited.body.exit).toMatchObject({ keyDeletionScheduledFor: expect.any(String) });
    expect((await runShredder()).shredded.map((s) => s.tenantId)).not.toContain(tenant.tenantId);

    // A month passes: the export window ends.
    const current = await stores.tenants.get(tenant.tenantId);
    if (!current?.exit) throw new Error("no exit recorded");
    const past = new Date(Date.now() - 1000).toISOString();
    await stores.tenants.update({
      ...current,
      exit: { ...current.exit, keyDeletionScheduledFor: past },
      version: current.version + 1,
    });

    expect((await runShredder()).shredded.map((s) => s.tenantId)).toContain(tenant.tenantId);
    expect((await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeyState).toBe(
      "PendingDeletion",
    );
    expect((await stores.tenants.get(tenant.tenantId))?.exit?.keyDeletionRequestedAt).toEqual(
      expect.any(String),
    );
  });
});
