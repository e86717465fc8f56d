/**
 * The readiness wait (constructs/wait-until-assumable.js) through a network that is not there
 * yet: the wait starts against a loopback port where nothing listens (connection refused, as
 * during a proxy restart), and the endpoint comes up there seconds later. The wait must retry
 * the network errors until then and succeed, not fail iam-stack's apply at the first refusal.
 *
 * The script runs as Terraform runs it: `node` with the WAIT_* variables, and the AWS SDK's
 * standard environment (endpoint, shared credentials) pointing at the emulator's port.
 */
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { WAIT_UNTIL_ASSUMABLE_SCRIPT } from "../../constructs/role-ready-wait";
import { Emulator, freePort, startEmulator } from "../../scripts/lib/emulator";
import { STEP_TIMEOUT_MS } from "./support";

/** Key material made up at run time: unknown keys, which the emulator files under its default account. */
const madeUpKey = () => ({
  accessKeyId: `AKIA${randomBytes(8).toString("hex").toUpperCase()}`,
  secretAccessKey: randomBytes(20).toString("base64url"),
});

jest.setTimeout(STEP_TIMEOUT_MS);

/** The account moto answers as for any key when IAM is not enforced. */
const ACCOUNT = "123456789012";
const ROLE_NAME = "cdktf-assume-role-ec2";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`;
/** How long after the wait starts the endpoint comes up. */
const ENDPOINT_LATE_MS = 4000;

/** What the wait printed and how it ended. */
interface WaitResult {
  readonly code: number | null;
  readonly output: string;
}

describe("the readiness wait, with the endpoint down when it starts", () => {
  let dir: string;
  let emulator: Emulator | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "wait-network-"));
  });

  afterAll(async () => {
    await emulator?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("retries the refused connections and succeeds once the endpoint answers", async () => {
    // GIVEN a port where nothing listens yet, and a source profile
    const port = await freePort();
    const endpoint = `http://127.0.0.1:${port}`;
    const credentials = path.join(dir, "credentials");
    const source = madeUpKey();
    fs.writeFileSync(
      credentials,
      `[source]\naws_access_key_id = ${source.accessKeyId}\naws_secret_access_key = ${source.secretAccessKey}\n`,
      {
        mode: 0o600,
      },
    );
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: dir,
      AWS_ENDPOINT_URL: endpoint,
      AWS_SHARED_CREDENTIALS_FILE: credentials,
      AWS_CONFIG_FILE: path.join(dir, "config"),
      AWS_EC2_METADATA_DISABLED: "true",
      WAIT_ROLE_ARN: ROLE_ARN,
      WAIT_PROFILE: "source",
      WAIT_REGION: "us-east-1",
      WAIT_TIMEOUT_SECONDS: "60",
    };

    // WHEN the wait starts, and the endpoint comes up seconds later with the role in it
    const started = Date.now();
    const wait = new Promise<WaitResult>((resolve, reject) => {
      const child = spawn(process.execPath, [WAIT_UNTIL_ASSUMABLE_SCRIPT], { env, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, output }));
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ENDPOINT_LATE_MS)));
    const first = await Promise.race([wait, late]);
    clearTimeout(timer);
    if (first === undefined) {
      emulator = await startEmulator({ port, logFile: path.join(dir, "emulator.log") });
      const iam = new IAMClient({
        endpoint,
        region: "us-east-1",
        credentials: madeUpKey(),
      });
      try {
        await iam.send(
          new CreateRoleCommand({
            RoleName: ROLE_NAME,
            AssumeRolePolicyDocument: JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" },
              ],
            }),
          }),
        );
      } finally {
        iam.destroy();
      }
    }
    const result = await wait;

    // THEN it waited through the refused connections, and succeeded
    expect(result).toEqual({
      code: 0,
      output: expect.stringMatching(
        new RegExp(`Role ${ROLE_ARN} can be assumed with profile "source" after \\d+ throttled or failed calls?\\.`),
      ),
    });
    expect(result.output).toMatch(/cannot be assumed yet \(ECONNREFUSED: /);
    expect(Date.now() - started).toBeGreaterThanOrEqual(ENDPOINT_LATE_MS);
  });
});
