import { z } from "zod";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { snsNotifier } from "../../shared/aws/notifications.ts";
import { s3VaultListings } from "../../shared/aws/replication.ts";
import { s3VaultReplicationRules } from "../../shared/aws/replicator.ts";
import { replicationMonitorFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { monitorReplication } from "../../shared/replication/replication-monitor.ts";
import { DynamoDbReplicationChecks } from "../../shared/stores/dynamodb/replication-checks.ts";
import { DynamoDbSnapshotCatalog } from "../../shared/stores/dynamodb/snapshot-catalog.ts";
import { DynamoDbSystemStore } from "../../shared/stores/dynamodb/system-store.ts";

/**
 * Every minute: how current each system's DR copy is; a breach of its RPO target is notified
 * (R-MN-01); and the vault's S3 replication rules kept to the units' transports (D-42).
 */
export const handler = taskHandler(
  replicationMonitorFunctionEnv,
  {
    deps: (env) => {
      const directory = awsDirectory(env);
      return {
        ...directory,
        systems: new DynamoDbSystemStore(directory.db, env.POLICIES_TABLE),
        catalog: new DynamoDbSnapshotCatalog(directory.db, env.POLICIES_TABLE),
        checks: new DynamoDbReplicationChecks(directory.db, env.POLICIES_TABLE),
        listings: s3VaultListings(env),
        vaultRules: s3VaultReplicationRules(env.VAULT_BUCKET),
        notifier: snsNotifier(env.NOTIFICATIONS_TOPIC_ARN),
        region: env.AWS_REGION,
      };
    },
    input: z.looseObject({}),
  },
  async (_input, { deps, logger }) => {
    const result = await monitorReplication({ ...deps, log: (message) => logger.warn(message) });
    logger.info("replication monitor pass", result);
    return result;
  },
);
