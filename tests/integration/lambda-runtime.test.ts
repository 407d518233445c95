import { InvokeCommand } from "@aws-sdk/client-lambda";
import { describe, expect, it } from "vitest";
import { projectNodeMajor } from "../../cli/node-runtime.ts";
import { clientConfig, createNodeLambda, LambdaClient, uniqueName } from "./support/emulator.ts";

describe("the Lambdas the emulator runs", () => {
  it("run on the Node.js 22 LTS that npm ci installs (D-37)", async () => {
    const lambda = new LambdaClient(clientConfig());
    const name = uniqueName("govdr-node-version");
    await createNodeLambda(lambda, name, "export const handler = async () => ({ node: process.version });");

    const { Payload } = await lambda.send(new InvokeCommand({ FunctionName: name }));
    const { node } = JSON.parse(new TextDecoder().decode(Payload)) as { node: string };

    expect(Number(node.replace(/^v/, "").split(".")[0])).toBe(projectNodeMajor);
  });
});
