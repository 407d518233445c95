import type { Command } from "commander";
import { Option } from "commander";
import { suiteNames } from "../shared/vault/suites.ts";
import { CliError } from "./errors.ts";
import { agentKeyVariable, apiVariable, systemVariable } from "./vault/control-plane.ts";
import { kmsKeyVariable, repoKeyVariable, tenantVariable } from "./vault/repository-access.ts";

export const repoOptions = (command: Command) =>
  command
    .requiredOption("--repo <location>", "repository: a local directory, or s3://bucket/prefix")
    .option("--key-file <file>", `local repositories: file holding the secret (else ${repoKeyVariable})`)
    .option("--kms-key <id>", `S3 repositories: the tenant's KMS key id or alias (else ${kmsKeyVariable})`)
    .option("--tenant <id>", `S3 repositories: the tenant the key belongs to (else ${tenantVariable})`)
    .option("--retain-days <days>", "Object Lock retention of what this run writes (S3 default: 180)");

export const controlPlaneOptions = (command: Command) =>
  command
    .option("--api <url>", `control-plane API that records the snapshot (else ${apiVariable}; none: offline)`)
    .option("--system <id>", `the protected system, checked against the agent key (else ${systemVariable})`)
    .option("--agent-key-file <file>", `file holding the system's agent key (else ${agentKeyVariable})`);

export const workersOption = () =>
  new Option(
    "--workers <n>",
    "worker threads (default: one per core; fewer leave CPU to the server's own work)",
  ).argParser((value: string) => {
    if (!/^\d{1,3}$/.test(value) || Number(value) < 1) {
      throw new CliError(`--workers ${value} is not a number of threads`, "e.g. --workers 1", "USAGE");
    }
    return Number(value);
  });

export const suiteOption = () =>
  new Option("--suite <suite>", "crypto suite").choices([...suiteNames]).default("aes-256-gcm");
