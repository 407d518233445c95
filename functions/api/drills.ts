import { requests } from "../../shared/api/request-schemas.ts";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { awsDrillService } from "../../shared/aws/drills.ts";
import { drillsFunctionEnv } from "../../shared/config/function-env.ts";
import type { FunctionEnv } from "../../shared/lambda/env.ts";
import { parseBody, parseQuery } from "../../shared/lambda/request.ts";
import { type RouteDeps, type RouteMap, resourceHandler } from "../../shared/lambda/resource-handler.ts";

type Env = FunctionEnv<typeof drillsFunctionEnv>;
export interface DrillRouteDeps extends RouteDeps {
  drills: Pick<ReturnType<typeof awsDrillService>, "start" | "list" | "get" | "report">;
}

const resources = (systemId: string, drillId?: string) => [
  { type: "govdr::system", id: systemId },
  ...(drillId ? [{ type: "govdr::drill", id: drillId }] : []),
];

/** Restore drills of a system: run one now, follow it, read its report (statemachines/drill.asl.json). */
export const drillRoutes: RouteMap<Env, DrillRouteDeps> = {
  "POST /systems/{systemId}/drills": {
    eventName: "StartDrill",
    readOnly: false,
    handle: async (event, { deps, caller, path, audit }) => {
      const systemId = path.systemId as string;
      const drill = await deps.drills.start(caller, systemId, parseBody(requests.newDrill, event));
      audit.resources = resources(systemId, drill.drillId);
      return { statusCode: 202, body: drill };
    },
  },
  "GET /systems/{systemId}/drills": {
    eventName: "ListDrills",
    readOnly: true,
    handle: async (event, { deps, caller, path, audit }) => {
      audit.resources = resources(path.systemId as string);
      return {
        statusCode: 200,
        body: await deps.drills.list(caller, path.systemId as string, parseQuery(requests.page, event)),
      };
    },
  },
  "GET /systems/{systemId}/drills/{drillId}": {
    eventName: "GetDrill",
    readOnly: true,
    handle: async (_event, { deps, caller, path, audit }) => {
      const { systemId, drillId } = path as { systemId: string; drillId: string };
      audit.resources = resources(systemId, drillId);
      return { statusCode: 200, body: await deps.drills.get(caller, systemId, drillId) };
    },
  },
  "GET /systems/{systemId}/drills/{drillId}/report": {
    eventName: "GetDrillReport",
    readOnly: true,
    handle: async (event, { deps, caller, path, audit }) => {
      const { systemId, drillId } = path as { systemId: string; drillId: string };
      const { format } = parseQuery(requests.reportFormat, event);
      audit.resources = resources(systemId, drillId);
      return {
        statusCode: 200,
        body: await deps.drills.report(caller, systemId, drillId, format),
        contentType: format === "html" ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
      };
    },
  },
};

export const handler = resourceHandler(
  drillsFunctionEnv,
  (env) => {
    const directory = awsDirectory(env);
    return { ...directory, drills: awsDrillService(env, directory) };
  },
  { eventSource: "drills.govdr", routes: drillRoutes },
);
