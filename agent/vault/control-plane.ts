import { readFile } from "node:fs/promises";
import { setTimeout as delay } from "node:timers/promises";
import { parseAgentCredential } from "../../shared/agents/agent-key.ts";
import { type BackupPlan, backupPlanSchema } from "../../shared/agents/backup-plan.ts";
import { type SnapshotReport, snapshotReportOf } from "../../shared/snapshots/snapshot-record.ts";
import type { Repository } from "../../shared/vault/repository.ts";
import type { Snapshot } from "../../shared/vault/snapshot.ts";
import { CliError } from "../errors.ts";

export const apiVariable = "GOVDR_API_URL";
export const systemVariable = "GOVDR_SYSTEM_ID";
export const agentKeyVariable = "GOVDR_AGENT_KEY";

export interface ControlPlaneFlags {
  api?: string;
  system?: string;
  agentKeyFile?: string;
}

/** Retried: throttling, server errors and network failures (the request is idempotent). */
const retriedStatuses = new Set([429, 500, 502, 503, 504]);
const backoffMs = [500, 1_000, 2_000, 4_000];

const refused = (message: string, hint?: string) => new CliError(message, hint, "CONTROL_PLANE");

/** The snapshot as the control plane records it: the manifest's facts, not its tree. */
export const snapshotReport = (snapshot: Snapshot, repository: Repository): SnapshotReport =>
  snapshotReportOf(snapshot, { location: repository.backend.location, id: repository.config.id });

/**
 * The agent's session with the control-plane API (docs/agent.md): it signs in with its system's
 * agent key and records each snapshot it writes. Without --api (or GOVDR_API_URL) the agent works
 * offline and records nothing.
 */
export class ControlPlane {
  private token = "";
  /** The system the agent key belongs to, as the control plane says at sign-in. */
  systemId = "";

  private constructor(
    readonly api: string,
    /** The agent key it signed in with, parsed once from its file or variable. */
    readonly credential: { keyId: string; secret: string },
  ) {}

  /** Signs in at once, so a wrong key or address fails before a long backup rather than after it. */
  static async connect(flags: ControlPlaneFlags): Promise<ControlPlane | undefined> {
    const api = (flags.api ?? process.env[apiVariable])?.replace(/\/+$/, "");
    if (!api) return undefined;
    if (!/^https?:\/\//.test(api))
      throw new CliError(`--api ${api} is not an http(s) URL`, undefined, "USAGE");
    const raw = flags.agentKeyFile
      ? await readFile(flags.agentKeyFile, "utf8").catch(() => {
          throw new CliError(`Cannot read the agent key file ${flags.agentKeyFile}`, undefined, "USAGE");
        })
      : process.env[agentKeyVariable];
    if (!raw) {
      throw new CliError(
        "Recording snapshots in the control plane needs the system's agent key",
        `pass --agent-key-file <file> or set ${agentKeyVariable} (the credential shown when the key was created)`,
        "USAGE",
      );
    }
    const credential = parseAgentCredential(raw);
    if (!credential) {
      throw new CliError("The agent key is malformed", "expected <key id>.<secret>, e.g. ak-…", "USAGE");
    }
    const plane = new ControlPlane(api, credential);
    await plane.signIn();
    const wanted = flags.system ?? process.env[systemVariable];
    if (wanted && wanted !== plane.systemId) {
      throw new CliError(
        `The agent key belongs to system ${plane.systemId}, not ${wanted}`,
        undefined,
        "USAGE",
      );
    }
    return plane;
  }

  /**
   * Records the snapshot; recording it again (a retry) is harmless. Signs in afresh first: a backup
   * may have outlasted the session's idle timeout.
   */
  async register(snapshot: Snapshot, repository: Repository): Promise<"recorded" | "already recorded"> {
    await this.signIn();
    const answer = await this.request(
      "PUT",
      `/systems/${this.systemId}/snapshots/${snapshot.id}`,
      snapshotReport(snapshot, repository),
      this.token,
    );
    return answer.status === 201 ? "recorded" : "already recorded";
  }

  /** The backup part of the policy in force (D-54), which the installed agent runs. */
  async backupPlan(): Promise<BackupPlan> {
    const { body } = await this.request(
      "GET",
      `/systems/${this.systemId}/backup-plan`,
      undefined,
      this.token,
    );
    const plan = backupPlanSchema.safeParse(body);
    if (!plan.success) {
      throw refused(
        `The control plane's backup plan for ${this.systemId} is not one this agent reads (${plan.error.issues[0]?.message})`,
        "install the agent of the platform's version (`govdr --version`)",
      );
    }
    return plan.data;
  }

  private async signIn(): Promise<void> {
    const { body } = await this.request("POST", "/auth/agent-token", this.credential);
    this.token = String(body.token);
    this.systemId = String(body.systemId);
  }

  private async request(method: string, path: string, body: unknown, token?: string) {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.api}${path}`, {
          method,
          headers: {
            "content-type": "application/json",
            ...(token ? { authorization: `Bearer ${token}` } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (attempt < backoffMs.length) {
          await delay(backoffMs[attempt]);
          continue;
        }
        throw refused(`The control plane at ${this.api} cannot be reached: ${(error as Error).message}`);
      }
      if (retriedStatuses.has(response.status) && attempt < backoffMs.length) {
        await delay(backoffMs[attempt]);
        continue;
      }
      const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      if (response.ok) return { status: response.status, body: answer };
      const reason = `${String(answer.code ?? response.status)}: ${String(answer.message ?? response.statusText)}`;
      throw refused(
        `The control plane refused ${method} ${path} (${response.status} ${reason})`,
        response.status === 401
          ? `check ${agentKeyVariable} or --agent-key-file; the key may be revoked`
          : undefined,
      );
    }
  }
}
