import { readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, describe, expect, it } from "vitest";
import { processGroupMembers } from "../../cli/emulator/processes.ts";
import { emulatorClientConfig } from "../../cli/local-stack/aws-clients.ts";
import { emulatorPaths, projectRoot } from "../../cli/paths.ts";
import { run } from "../../cli/run.ts";
import { createNodeLambda, uniqueName } from "./support/emulator.ts";

const govdr = path.join(projectRoot, "cli", "bin", "govdr.js");
const port = 4599;
const env = { ...process.env, GOVDR_EMULATOR_PORT: String(port), AWS_ENDPOINT_URL: "" };
const cli = (...args: string[]) => run(process.execPath, [govdr, ...args], { cwd: projectRoot, env });

function listening(p: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port: p });
    socket.once("connect", () => resolve(!socket.destroy()));
    socket.once("error", () => resolve(false));
  });
}

describe("govdr emulator start | status | stop", () => {
  afterAll(async () => {
    await cli("emulator", "stop");
  });

  it("starts ministack on 127.0.0.1 only, reuses it on a second start, and reports it healthy", async () => {
    const first = await cli("emulator", "start", "--ephemeral");
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain(`http://127.0.0.1:${port}`);
    const { pid } = JSON.parse(readFileSync(emulatorPaths(port).state, "utf8")) as { pid: number };

    const second = await cli("emulator", "start", "--ephemeral");
    const status = await cli("emulator", "status");

    expect(second.code).toBe(0);
    expect(JSON.parse(readFileSync(emulatorPaths(port).state, "utf8")).pid).toBe(pid);
    expect(status.code).toBe(0);
    expect(status.output).toContain(`pid ${pid}`);
    expect(readFileSync(`/proc/${pid}/environ`, "utf8").split("\0")).toEqual(
      expect.arrayContaining(["BIND_HOST=127.0.0.1", "CLOUDTRAIL_RECORDING=1", `GATEWAY_PORT=${port}`]),
    );
  });

  it("stops the emulator together with its Node.js Lambda workers", async () => {
    const { pid } = JSON.parse(readFileSync(emulatorPaths(port).state, "utf8")) as { pid: number };
    const lambda = new LambdaClient(emulatorClientConfig(`http://127.0.0.1:${port}`, "cn-north-1"));
    const name = uniqueName("lifecycle");
    await createNodeLambda(lambda, name, "export const handler = async () => ({ pid: process.pid });");
    const invoked = await lambda.send(new InvokeCommand({ FunctionName: name }));
    const workerPid = JSON.parse(Buffer.from(invoked.Payload ?? []).toString()).pid as number;
    expect(processGroupMembers(pid)).toContain(workerPid);

    const stopped = await cli("emulator", "stop");

    expect(stopped.code, stopped.output).toBe(0);
    expect(processGroupMembers(pid)).toEqual([]);
    expect(await listening(port)).toBe(false);
    expect((await cli("emulator", "status")).code).toBe(3);
  });

  it("refuses with a clear message when the port belongs to another program, and leaves it alone", async () => {
    const squatter = net.createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => squatter.once("listening", resolve));
    const squatterPort = (squatter.address() as net.AddressInfo).port;
    try {
      const result = await run(process.execPath, [govdr, "emulator", "start"], {
        cwd: projectRoot,
        env: { ...env, GOVDR_EMULATOR_PORT: String(squatterPort) },
      });

      expect(result.code).toBe(1);
      expect(result.output).toContain(
        `127.0.0.1:${squatterPort} is already in use by a program govdr did not start`,
      );
      expect(result.output).toContain("AWS_ENDPOINT_URL");
      expect(squatter.listening).toBe(true);
    } finally {
      squatter.close();
    }
  });

  it("uses AWS_ENDPOINT_URL instead of starting anything, and says so when it does not answer", async () => {
    const result = await run(process.execPath, [govdr, "emulator", "start"], {
      cwd: projectRoot,
      env: { ...env, AWS_ENDPOINT_URL: "http://127.0.0.1:9" },
    });

    expect(result.code).toBe(1);
    expect(result.output).toContain("AWS_ENDPOINT_URL=http://127.0.0.1:9 does not answer its health check");
    expect(await listening(port)).toBe(false);
  });
});
