import { MemoryStores } from "../../support/memory-stores.ts";
import { backupJobStoreContract } from "../../support/store-contracts/backup-job-store.ts";

// The fake against the contract; the DynamoDB adapter meets it in tests/integration/backup-job-store.test.ts.
backupJobStoreContract("in memory", async () => ({ store: new MemoryStores().backupJobs }));
