import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";

export interface UnitRoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/**
 * Credentials of a role in a unit's own account, assumed with ExternalId = the unit's id, so a unit
 * can only name roles that trust the platform for it (D-43, D-47). A refusal, or no credentials,
 * is the caller's named error (`refused`), saying what the role must do.
 */
export async function assumeUnitRole(
  sts: STSClient,
  request: { roleArn: string; tenantId: string; sessionName: string; durationSeconds: number },
  refused: (message: string) => Error,
): Promise<UnitRoleCredentials> {
  const { roleArn, tenantId } = request;
  const assumed = await sts
    .send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: request.sessionName,
        ExternalId: tenantId,
        DurationSeconds: request.durationSeconds,
      }),
    )
    .catch((error: Error) => {
      throw refused(
        `The role ${roleArn} could not be assumed with ExternalId ${tenantId} (${error.name}); it must trust the platform with that ExternalId`,
      );
    });
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw refused(`The role ${roleArn} gave no credentials`);
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration ? { expiration: c.Expiration } : {}),
  };
}
