import { KMSClient } from "@aws-sdk/client-kms";
import { z } from "zod";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { shredderFunctionEnv } from "../../shared/config/function-env.ts";
import { taskHandler } from "../../shared/lambda/task-handler.ts";
import { KmsTenantKeys } from "../../shared/tenants/kms-tenant-keys.ts";
import { shredDueKeys } from "../../shared/tenants/shred.ts";

/** Scheduled task: crypto-shreds the keys of tenants whose export window is over. */
export const handler = taskHandler(
  shredderFunctionEnv,
  {
    deps: (env) => ({ ...awsDirectory(env), keys: new KmsTenantKeys(new KMSClient({})) }),
    input: z.looseObject({}),
  },
  async (_input, { env, deps, logger }) => {
    const shredded = await shredDueKeys({
      tenants: deps.tenants,
      audit: deps.audit,
      keys: deps.keys,
      now: deps.now,
      region: env.AWS_REGION,
    });
    logger.info("key shredder pass", { shredded });
    return { shredded };
  },
);
