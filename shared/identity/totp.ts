import { generateSecret, generateURI, verify } from "otplib";

/** A new TOTP secret (Base32, 20 bytes) and the otpauth:// URI an authenticator app scans. */
export function newTotpEnrolment(issuer: string, account: string): { secret: string; uri: string } {
  const secret = generateSecret({ length: 20 });
  return { secret, uri: generateURI({ issuer, label: account, secret }) };
}

/**
 * Checks a 6-digit code with one step of clock drift either side. `lastTimeStep` is the step of the
 * user's previous accepted code: a code cannot be used twice (replay).
 */
export async function verifyTotp(
  secret: string,
  code: string,
  options: { now: Date; lastTimeStep?: number },
): Promise<{ valid: false } | { valid: true; timeStep: number }> {
  if (!/^\d{6}$/.test(code)) return { valid: false };
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(options.now.getTime() / 1000),
    epochTolerance: 30,
    ...(options.lastTimeStep !== undefined ? { afterTimeStep: options.lastTimeStep } : {}),
  });
  // The functional API also covers HOTP; a TOTP result carries the time step it matched.
  return result.valid && "timeStep" in result ? { valid: true, timeStep: result.timeStep } : { valid: false };
}
