import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as agentErrors from "../../../agent/errors.ts";
import * as archive from "../../../shared/audit/archive.ts";
import * as archiveAll from "../../../shared/audit/archive-all.ts";
import * as auditLog from "../../../shared/audit/audit-log.ts";
import * as sequenceTrails from "../../../shared/audit/sequence-trails.ts";
import { agentExitCodes, errorCatalogue, errorNames } from "../../../shared/error-codes.ts";
import * as errors from "../../../shared/errors.ts";
import { GovdrError } from "../../../shared/errors.ts";
import * as backend from "../../../shared/vault/backend.ts";
import * as backup from "../../../shared/vault/backup.ts";
import * as keyWrapper from "../../../shared/vault/key-wrapper.ts";
import * as repository from "../../../shared/vault/repository.ts";
import * as restore from "../../../shared/vault/restore.ts";
import * as sm4 from "../../../shared/vault/sm4/sm4-ctr.ts";
import * as snapshot from "../../../shared/vault/snapshot.ts";
import * as suites from "../../../shared/vault/suites.ts";
import * as owner from "../../../shared/vault/workers/owner.ts";
import * as pool from "../../../shared/vault/workers/pool.ts";

const root = path.resolve(import.meta.dirname, "../../..");
const modules = [
  errors,
  agentErrors,
  archive,
  archiveAll,
  auditLog,
  sequenceTrails,
  backend,
  backup,
  keyWrapper,
  repository,
  restore,
  sm4,
  snapshot,
  suites,
  owner,
  pool,
];
const errorClasses = modules.flatMap((module) =>
  Object.values(module).filter(
    (value): value is new (...args: never[]) => GovdrError =>
      typeof value === "function" && value.prototype instanceof GovdrError,
  ),
);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts"))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

describe("one error model: the error catalogue", () => {
  it("is where every error class govdr throws on purpose gets its name, status and exit code", () => {
    expect(errorClasses.length).toBeGreaterThanOrEqual(30);
    for (const ErrorClass of errorClasses) {
      const error = new (ErrorClass as unknown as new (message: string) => GovdrError)("x");
      const entry = errorCatalogue[error.code];

      expect(error.name, ErrorClass.name).toBe(ErrorClass.name);
      expect(entry.name, ErrorClass.name).toBe(error.name);
      expect(error.httpStatus).toBe(entry.httpStatus);
      expect(Object.keys(agentExitCodes)).toContain(entry.exit);
    }
  });

  it("leaves no error class outside it: nothing in shared/, agent/ or functions/ extends Error itself", () => {
    const plain = ["shared", "agent", "functions"]
      .flatMap(sourceFiles)
      .filter((file) => /class \w+ extends Error\b/.test(readFileSync(file, "utf8")))
      .map((file) => path.relative(root, file));

    expect(plain).toEqual(["shared/errors.ts"]);
  });

  it("names every error the state machines' Retry, Catch and Fail states match (besides AWS's own States.* and Lambda.*)", () => {
    const machines = readdirSync(path.join(root, "statemachines")).filter((f) => f.endsWith(".asl.json"));
    const matched: string[] = [];
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === "object") {
        const record = node as Record<string, unknown>;
        if (Array.isArray(record.ErrorEquals)) matched.push(...(record.ErrorEquals as string[]));
        if (record.Type === "Fail" && typeof record.Error === "string") matched.push(record.Error);
        Object.values(record).forEach(collect);
      }
    };
    for (const file of machines)
      collect(JSON.parse(readFileSync(path.join(root, "statemachines", file), "utf8")));

    expect(matched.length).toBeGreaterThan(0);
    const aws = (name: string) => name.startsWith("States.") || name.startsWith("Lambda.");
    expect(matched.filter((name) => !aws(name) && !errorNames.has(name))).toEqual([]);
  });

  it("gives the agent a hint and its exit code for each kind of failure it reports", () => {
    expect(agentErrors.reportOf(new keyWrapper.WrongKeyError("the key does not open it"))).toEqual({
      lines:
        "govdr: the key does not open it\nhint: check --key-file or GOVDR_REPO_KEY (local), or --kms-key and --tenant (S3)\n",
      exitCode: 3,
    });
    expect(agentErrors.reportOf(new suites.BlobIntegrityError("blob 1f is damaged"))).toEqual({
      lines:
        "govdr: integrity check failed: blob 1f is damaged\nhint: run `govdr verify --read-data` to see what is affected\n",
      exitCode: 4,
    });
    expect(
      agentErrors.reportOf(new agentErrors.CliError("--workers x is not a number", "e.g. 4", "USAGE")),
    ).toEqual({
      lines: "govdr: --workers x is not a number\nhint: e.g. 4\n",
      exitCode: 2,
    });
  });
});
