/**
 * The tutorial end to end, as README's "On real AWS" steps give it: its commands as written, in
 * a shell with the two profiles, against a local two-account emulator. Both stacks deployed,
 * verified through the AWS API and destroyed, through the real CLI (cdktf, or cdktn after the
 * move to CDK Terrain), Terraform and AWS provider.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFAULTS } from "../../config";
import { MANAGED_BY } from "../../constructs/shared/tags";
import {
  describeInstance,
  describeRole,
  describeRootVolume,
  liveInstances,
  trustedPrincipals,
} from "../../scripts/lib/checks";
import { EMULATOR_DEFAULT_ACCOUNT } from "../../scripts/lib/accounts";
import { DEFAULT_DESTINATION_ACCOUNT, LocalCloud } from "../../scripts/lib/local-cloud";
import { unpackedAwsProvider } from "../../scripts/lib/terraform-cli-config";
import { readLocalState } from "./drill-support";
import { ReadmeSession, sandboxSession } from "./readme-session";
import { destroyedStacks } from "./cdktf-output";
import { cleanUp, planExitCode, STEP_TIMEOUT_MS, synthesizedStacks, withClients } from "./support";

jest.setTimeout(STEP_TIMEOUT_MS);

const SOURCE = EMULATOR_DEFAULT_ACCOUNT;
const DESTINATION = DEFAULT_DESTINATION_ACCOUNT;

/** A deployed stack's output, from its state. */
const output = (cloud: LocalCloud, stack: string, name: string): unknown =>
  readLocalState(cloud, stack)?.outputs[name]?.value;

describe("the tutorial as README gives it, against a local two-account emulator", () => {
  let cloud: LocalCloud;
  let readme: ReadmeSession;
  let roleArn: string;
  let instanceId: string;

  beforeAll(async () => {
    cloud = await LocalCloud.start();
    readme = sandboxSession(cloud);
  });

  // Cleanup runs even when an assertion failed: nothing may be left running. The npm scripts
  // deploy outside the sandbox's bookkeeping, hence the stacks named here.
  afterAll(() => cleanUp(cloud, { bestEffort: ["ec2-stack", "iam-stack"] }));

  it("step 2: synthesizes both stacks", async () => {
    await readme.runOk("npm run synth");

    expect(Object.keys(synthesizedStacks(cloud.outDir)).sort()).toEqual(["ec2-stack", "iam-stack"]);
  });

  it("step 3: deploys iam-stack, a role in the destination account that trusts the source account", async () => {
    // WHEN
    await readme.runOk("npm run deploy:iam");
    roleArn = output(cloud, "iam-stack", "role_arn") as string;

    // THEN
    expect(roleArn).toBe(`arn:aws:iam::${DESTINATION}:role/${DEFAULTS.roleName}`);
    const role = await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName));
    expect(role?.accountId).toBe(DESTINATION);
    expect(trustedPrincipals(role!)).toEqual([`arn:aws:iam::${SOURCE}:root`]);
    expect(role!.trustPolicy.Statement[0]).toMatchObject({ Effect: "Allow", Action: "sts:AssumeRole" });
    // As the tutorial's: the trusted principals may tag the session and set its source identity.
    expect(role!.trustPolicy.Statement[1]).toMatchObject({
      Effect: "Allow",
      Action: expect.arrayContaining(["sts:TagSession", "sts:SetSourceIdentity"]),
      Principal: { AWS: `arn:aws:iam::${SOURCE}:root` },
    });
    expect(role!.attachedPolicyArns).toEqual(["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]);
    const inSource = await withClients(cloud, "source", (c) => describeRole(c, DEFAULTS.roleName));
    expect(inSource).toBeUndefined();
  });

  it("Terraform runs the provider from its installation, not through a plugin cache every run on the machine shares", () => {
    // cdktf would otherwise set one (~/.terraform.d/plugin-cache), whose link to the provider
    // each init replaces: a Terraform starting its provider at that moment finds no file.
    const provider = unpackedAwsProvider();
    const installed = path.join(cloud.outDir, "stacks", "iam-stack", ".terraform", "providers", provider);
    expect(fs.readlinkSync(installed)).toBe(path.join(cloud.provider.dir, provider));
  });

  it("a second deploy of iam-stack changes nothing", async () => {
    expect(await planExitCode(cloud, "iam-stack")).toBe(0);
  });

  it("steps 4 and 5: deploys ec2-stack with the destination profile absent from the credentials file", async () => {
    // GIVEN the tutorial's step: the destination profile is commented out
    cloud.credentials.hide("destination");
    expect(fs.readFileSync(cloud.credentials.path, "utf8")).not.toContain("[destination]");

    // WHEN
    await readme.runOk("npm run deploy:ec2");

    // THEN the provider acted in the destination account through the role
    instanceId = output(cloud, "ec2-stack", "instance_id") as string;
    expect(instanceId).toMatch(/^i-[0-9a-f]+$/);
    expect(output(cloud, "ec2-stack", "account_id")).toBe(DESTINATION);
  });

  it("the instance is owned by the destination account and invisible from the source account", async () => {
    const seen = await withClients(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen).toMatchObject({ ownerId: DESTINATION, state: "running" });
    expect(seen!.instance.MetadataOptions?.HttpTokens).toBe("required");
    expect(seen!.instance.PublicIpAddress).toBeUndefined();
    expect(seen!.instance.Tags).toEqual(
      expect.arrayContaining([
        { Key: "Name", Value: DEFAULTS.instanceName },
        { Key: "ManagedBy", Value: MANAGED_BY },
      ]),
    );
    // The root volume, as EC2 reports it: encrypted, gp3, of the configured size.
    const root = await withClients(cloud, "destination", (c) => describeRootVolume(c, seen!));
    expect(root).toMatchObject({ Encrypted: true, VolumeType: "gp3", Size: DEFAULTS.rootVolumeSizeGib });
    expect(root!.Attachments).toEqual([expect.objectContaining({ InstanceId: instanceId, State: "attached" })]);
    const fromSource = await withClients(cloud, "source", (c) => describeInstance(c, instanceId));
    expect(fromSource).toBeUndefined();
  });

  it("a second deploy of ec2-stack changes nothing", async () => {
    expect(await planExitCode(cloud, "ec2-stack")).toBe(0);
  });

  it("the synthesized JSON holds no endpoint override and no credentials", () => {
    const stacks = synthesizedStacks(cloud.outDir);
    expect(Object.keys(stacks).sort()).toEqual(["ec2-stack", "iam-stack"]);
    const secrets = ["source", "destination"].flatMap((p) => {
      const key = cloud.credentials.key(p);
      return [key.accessKeyId, key.secretAccessKey];
    });
    for (const json of Object.values(stacks)) {
      expect(json).not.toContain(cloud.emulator.endpoint);
      expect(json).not.toContain("127.0.0.1");
      expect(json).not.toMatch(/"endpoints?"\s*:/);
      expect(json).not.toMatch(/"(access_key|secret_key|token|shared_credentials_files?|shared_config_files?)"\s*:/);
      for (const secret of secrets) expect(json).not.toContain(secret);
    }
  });

  it("step 6: destroys ec2-stack with the destination profile still absent", async () => {
    await readme.runOk("npm run destroy:ec2");

    const seen = await withClients(cloud, "destination", (c) => describeInstance(c, instanceId));
    expect(seen?.state ?? "terminated").toBe("terminated");
    expect(await withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
  });

  it("step 7: destroys iam-stack once the profile is restored, leaving nothing behind", async () => {
    cloud.credentials.restore("destination");

    await readme.runOk("npm run destroy:iam");

    expect(await withClients(cloud, "destination", (c) => describeRole(c, DEFAULTS.roleName))).toBeUndefined();
    expect(await withClients(cloud, "destination", (c) => liveInstances(c, MANAGED_BY))).toEqual([]);
  });

  it("npm run destroy then destroys nothing, ec2-stack first, then iam-stack", async () => {
    const { output: text } = await readme.runOk("npm run destroy");

    expect(destroyedStacks(text)).toEqual([
      ["ec2-stack", 0],
      ["iam-stack", 0],
    ]);
  });

  it("ran every command of README's tutorial, in README's order", () => {
    readme.expectAllRun();
  });
});
