import { KMSClient } from "@aws-sdk/client-kms";
import { S3Client } from "@aws-sdk/client-s3";
import type { Backend } from "../../shared/vault/backend.ts";
import { S3Backend } from "../../shared/vault/backends/s3.ts";
import type { KeyWrapper } from "../../shared/vault/key-wrapper.ts";
import { kmsKeyWrapper } from "../../shared/vault/kms-key-wrapper.ts";

// Imported on demand by repository-access.ts: only S3 repositories pay for loading the AWS SDK.

/** Credentials, region and endpoint from the environment; throttling and 5xx retried adaptively. */
export function s3Backend(bucket: string, prefix: string): Backend {
  const s3 = new S3Client({
    maxAttempts: 8,
    retryMode: "adaptive",
    forcePathStyle: !!process.env.AWS_ENDPOINT_URL,
  });
  return new S3Backend(s3, bucket, prefix);
}

export function kmsWrapper(keyId: string, tenantId: string): KeyWrapper {
  return kmsKeyWrapper(new KMSClient({ maxAttempts: 8, retryMode: "adaptive" }), keyId, tenantId);
}
