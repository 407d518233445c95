import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbBackupJobStore } from "../../shared/stores/dynamodb/backup-job-store.ts";
import { backupJobStoreContract } from "../support/store-contracts/backup-job-store.ts";
import { clientConfig, localStack } from "./support/emulator.ts";

// The DynamoDB adapter against the contract the in-memory fake meets (tests/unit/backups/), on the
// deployed Policies table.
backupJobStoreContract("DynamoDB", async () => {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig()), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { store: new DynamoDbBackupJobStore(db, localStack().policiesTable) };
});
