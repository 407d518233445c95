import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetFunctionConfigurationCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { pollUntil } from "../../cli/poll.ts";
import { keys } from "../../shared/stores/dynamodb/keys.ts";
import { call } from "./support/api.ts";
import { clientConfig, localStack } from "./support/emulator.ts";
import { platformUser, seedTenantUser } from "./support/seed.ts";

/** The log group the deployed tenants Lambda writes to. */
async function tenantsLogGroup(): Promise<string> {
  const lambda = new LambdaClient(clientConfig());
  const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
  const name = Functions.map((f) => f.FunctionName ?? "").find((n) => /-Api-TenantsFunction/.test(n));
  if (!name) throw new Error("the tenants function is not deployed");
  const { LoggingConfig } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  if (!LoggingConfig?.LogGroup) throw new Error(`${name} has no log group`);
  return LoggingConfig.LogGroup;
}

/** Writes a tenant's status straight into the table, as an operator editing it by hand would. */
async function setStatus(tenantId: string, status: string) {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()));
  await db.send(
    new UpdateCommand({
      TableName: localStack().tenantsTable,
      Key: keys.tenant(tenantId),
      UpdateExpression: "SET #status = :status",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": status },
    }),
  );
}

describe("a stored item corrupted by hand", () => {
  it("answers 500 STORED_ITEM_INVALID, not a 400 blaming the caller, and names the item in the log", async () => {
    const { tenant } = await seedTenantUser({ password: "Corrupted-Item-2026!", roles: ["tenant-admin"] });
    const { token } = await platformUser("platform-admin");
    await setStatus(tenant.tenantId, "edited-by-hand");

    // Put back at once: the sweeps that walk every tenant (sequencer, archiver) must not meet it.
    const answer = await call("GET", `/tenants/${tenant.tenantId}`, { token }).finally(() =>
      setStatus(tenant.tenantId, tenant.status),
    );

    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: "STORED_ITEM_INVALID", message: "Internal error" });
    expect(JSON.stringify(answer.body)).not.toContain("TENANT#");
    const logs = new CloudWatchLogsClient(clientConfig());
    const logGroupName = await tenantsLogGroup();
    const line = await pollUntil(
      async () => {
        const { events = [] } = await logs.send(new FilterLogEventsCommand({ logGroupName }));
        return events
          .map((e) => e.message ?? "")
          .find((m) => m.includes(String(answer.body.requestId)) && m.includes(`TENANT#${tenant.tenantId}`));
      },
      { timeoutMs: 30_000, intervalMs: 500, what: "the log line naming the corrupted item" },
    );
    expect(line).toContain(localStack().tenantsTable);
    expect(line).toContain("StoredItemInvalidError");
  });
});
