import { STSClient } from "@aws-sdk/client-sts";
import type { DataLocations } from "../failover/data-restore.ts";
import { S3Sandbox } from "../stores/s3/sandbox.ts";
import { SourceAccessDeniedError, unitS3Client } from "./backup-sources.ts";
import { assumeUnitRole } from "./unit-role.ts";

/**
 * The unit's data locations as a restore writes them: S3 in the site's region, as the unit's own
 * role (assumed with ExternalId = the unit's id, D-43): the platform's role writes no unit bucket.
 */
export function assumedRoleDataLocations(config: {
  regions: { primary: string; dr: string };
  sts?: STSClient;
  /** Emulators: path-style S3 at the endpoint of AWS_ENDPOINT_URL. */
  endpoint?: string;
}): DataLocations {
  const sts = config.sts ?? new STSClient({});
  return {
    at: (tenantId, location, site) =>
      new S3Sandbox(
        unitS3Client(
          config.regions[site],
          () =>
            assumeUnitRole(
              sts,
              {
                roleArn: location.roleArn,
                tenantId,
                sessionName: `govdr-restore-${tenantId}`,
                durationSeconds: 3600,
              },
              (message) => new SourceAccessDeniedError(message),
            ),
          config.endpoint,
        ),
        location.bucket,
      ),
  };
}
