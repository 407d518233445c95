import { BlobIntegrityError, type CryptoSuite, type SuiteName, suiteNames } from "./suites.ts";

/**
 * Index files and snapshot manifests: JSON sealed under the metadata key, prefixed with the suite
 * byte, so a repository can change suites and still read everything it wrote before.
 */
export function sealDocument(suite: CryptoSuite, context: string, value: unknown): Buffer {
  return sealDocumentText(suite, context, JSON.stringify(value));
}

/** A document whose JSON text the caller built (e.g. from parts serialised as they arrived). */
export function sealDocumentText(suite: CryptoSuite, context: string, json: string): Buffer {
  const sealed = suite.seal(Buffer.from(json, "utf8"), Buffer.from(context));
  return Buffer.concat([Buffer.of(suiteNames.indexOf(suite.name)), sealed]);
}

export function openDocument(
  suiteFor: (name: SuiteName) => CryptoSuite,
  context: string,
  bytes: Uint8Array,
): unknown {
  const suite = suiteNames[bytes[0] ?? 255];
  if (!suite) throw new BlobIntegrityError(`${context}: unknown crypto suite`);
  const plain = suiteFor(suite).open(bytes.subarray(1), Buffer.from(context));
  return JSON.parse(plain.toString("utf8"));
}
