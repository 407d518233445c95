import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DeleteCommand, DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll } from "vitest";
import { DynamoDbAgentKeyStore } from "../../shared/stores/dynamodb/agent-key-store.ts";
import { DynamoDbDrillStore } from "../../shared/stores/dynamodb/drill-store.ts";
import { keys } from "../../shared/stores/dynamodb/keys.ts";
import { DynamoDbReplicationChecks } from "../../shared/stores/dynamodb/replication-checks.ts";
import { DynamoDbSessionStore } from "../../shared/stores/dynamodb/session-store.ts";
import { DynamoDbIdentitySettingsStore } from "../../shared/stores/dynamodb/settings-store.ts";
import { DynamoDbSnapshotCatalog } from "../../shared/stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSubscriptionStore } from "../../shared/stores/dynamodb/subscription-store.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";
import { DynamoDbTenantStore } from "../../shared/stores/dynamodb/tenant-store.ts";
import { DynamoDbUserStore } from "../../shared/stores/dynamodb/user-store.ts";
import { storeContracts } from "../support/store-contracts/index.ts";
import { clientConfig, localStack, pollUntil, uniqueName } from "./support/emulator.ts";

// The DynamoDB adapters against the store contracts, on the deployed local stack's tables, wired
// as the functions wire them (shared/aws/directory.ts, functions/api/systems.ts). Every contract
// test uses random ids, so runs and other tests sharing these tables never meet.
let client: { dynamodb: DynamoDBClient; db: DynamoDBDocumentClient } | undefined;
/** The emulator's client, made on first use (the local stack is read when the tests run). */
function deployed() {
  if (!client) {
    const dynamodb = new DynamoDBClient(clientConfig());
    const db = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    client = { dynamodb, db };
  }
  const { tenantsTable, policiesTable } = localStack();
  return { ...client, tenantsTable, policiesTable };
}

// The identity settings are one record for the whole platform: changing it in the deployed Tenants
// table would change every function's (and every other test's) settings. Its contract runs on a
// table of its own with the Tenants table's key schema, emptied before each test.
const settingsTable = uniqueName("govdr-contract-settings");
beforeAll(async () => {
  await deployed().dynamodb.send(
    new CreateTableCommand({
      TableName: settingsTable,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  await pollUntil(
    async () => {
      const { Table } = await deployed().dynamodb.send(
        new DescribeTableCommand({ TableName: settingsTable }),
      );
      return Table?.TableStatus === "ACTIVE" ? true : undefined;
    },
    { timeoutMs: 30_000, what: `table ${settingsTable} to become ACTIVE` },
  );
});
afterAll(async () => {
  await deployed().dynamodb.send(new DeleteTableCommand({ TableName: settingsTable }));
});
storeContracts("DynamoDB", {
  tenants: async () => {
    const { db, tenantsTable } = deployed();
    return {
      store: new DynamoDbTenantStore(db, tenantsTable),
      users: new DynamoDbUserStore(db, tenantsTable),
    };
  },
  users: async () => ({ store: new DynamoDbUserStore(deployed().db, deployed().tenantsTable) }),
  sessions: async () => ({ store: new DynamoDbSessionStore(deployed().db, deployed().tenantsTable) }),
  systems: async () => ({ store: new DynamoDbSystemStore(deployed().db, deployed().policiesTable) }),
  agentKeys: async () => ({ store: new DynamoDbAgentKeyStore(deployed().db, deployed().tenantsTable) }),
  snapshots: async () => ({ store: new DynamoDbSnapshotCatalog(deployed().db, deployed().policiesTable) }),
  drills: async () => ({ store: new DynamoDbDrillStore(deployed().db, deployed().policiesTable) }),
  subscriptions: async () => ({
    store: new DynamoDbSubscriptionStore(deployed().db, deployed().policiesTable),
  }),
  replicationChecks: async () => ({
    store: new DynamoDbReplicationChecks(deployed().db, deployed().policiesTable),
  }),
  identitySettings: async () => {
    const { db } = deployed();
    await db.send(new DeleteCommand({ TableName: settingsTable, Key: keys.identitySettings() }));
    return { store: new DynamoDbIdentitySettingsStore(db, settingsTable) };
  },
});
