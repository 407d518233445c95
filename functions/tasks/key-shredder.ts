import { Logger } from "@aws-lambda-powertools/logger";
import { KMSClient } from "@aws-sdk/client-kms";
import { awsDirectory } from "../../shared/aws/directory.ts";
import { shredderFunctionEnv } from "../../shared/config/function-env.ts";
import { parseFunctionEnv } from "../../shared/lambda/env.ts";
import { KmsTenantKeys } from "../../shared/tenants/kms-tenant-keys.ts";
import { shredDueKeys } from "../../shared/tenants/shred.ts";

const logger = new Logger();
const kms = new KMSClient({});

/** Scheduled task: crypto-shreds the keys of tenants whose export window is over. */
export async function handler() {
  const directory = awsDirectory(parseFunctionEnv(shredderFunctionEnv));
  const shredded = await shredDueKeys({
    tenants: directory.tenants,
    audit: directory.audit,
    keys: new KmsTenantKeys(kms),
    now: directory.now,
    region: process.env.AWS_REGION ?? "unknown",
  });
  logger.info("key shredder pass", { shredded });
  return { shredded };
}
