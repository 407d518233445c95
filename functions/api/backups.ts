import { requests } from "../../shared/api/request-schemas.ts";
import { awsBackupService } from "../../shared/aws/backups.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import type { BackupService } from "../../shared/backups/backup-service.ts";
import { backupsFunctionEnv } from "../../shared/config/function-env.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import { type RouteDeps, type RouteMap, resourceHandler } from "../../shared/lambda/resource-handler.ts";

type Env = FunctionEnv<typeof backupsFunctionEnv>;
export interface BackupRouteDeps extends RouteDeps {
  backups: Pick<BackupService, "start" | "list" | "get">;
}

const resources = (systemId: string, jobId?: string) => [
  { type: "govdr::system", id: systemId },
  ...(jobId ? [{ type: "govdr::backup", id: jobId }] : []),
];

/** Server-side backups of a system's S3 prefixes and DynamoDB tables (statemachines/backup.asl.json, D-43). */
export const backupRoutes: RouteMap<Env, BackupRouteDeps> = {
  "POST /systems/{systemId}/backups": {
    eventName: "StartBackup",
    readOnly: false,
    handle: async (event, { deps, caller, path, audit }) => {
      const systemId = path.systemId as string;
      const job = await deps.backups.start(caller, systemId, parseBody(requests.newBackup, event));
      audit.resources = resources(systemId, job.jobId);
      return { statusCode: 202, body: job };
    },
  },
  "GET /systems/{systemId}/backups": {
    eventName: "ListBackups",
    readOnly: true,
    handle: async (event, { deps, caller, path, audit }) => {
      audit.resources = resources(path.systemId as string);
      return {
        statusCode: 200,
        body: await deps.backups.list(caller, path.systemId as string, parseQuery(requests.page, event)),
      };
    },
  },
  "GET /systems/{systemId}/backups/{jobId}": {
    eventName: "GetBackup",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      const { systemId, jobId } = path as { systemId: string; jobId: string };
      audit.resources = resources(systemId, jobId);
      return { statusCode: 200, body: await deps.backups.get(caller, systemId, jobId) };
    },
  },
};

export const handler = resourceHandler(
  backupsFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    return { ...directory, backups: awsBackupService(env, directory) };
  },
  { eventSource: "backups.govdr", routes: backupRoutes },
);
