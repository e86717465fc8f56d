import { CANONICAL_ACCOUNT_ID, ConfigError, DEFAULTS, SETTINGS } from "../config";
import { json } from "../config/kinds";
import { Reader } from "../config/reader";
import { Setting } from "../config/setting";
import { configFrom, Context, DESTINATION_ACCOUNT, exactly, PROJECT_DIR, SOURCE_ACCOUNT } from "./helpers";

const ALLOWED_PROFILE =
  "must be 1 to 64 letters, digits or _.+@- (a shared-credentials profile name), starting with a letter or digit";
const ALLOWED_REGION = 'must be an AWS region name such as "us-east-1" or "eu-central-1"';
const ALLOWED_SECURITY_GROUPS =
  'each must be a security group id such as "sg-0123456789abcdef0" ("sg-" and 8 or 17 lowercase hex digits); at most 16';
const ALLOWED_HUB_ROLES = 'each must be an IAM role ARN such as "arn:aws:iam::333333333333:role/hub"; at most 5';
const ALLOWED_ACCOUNT = "must be an AWS account id of exactly 12 digits";
const ALLOWED_POLICY_ARN = 'must be an IAM policy ARN such as "arn:aws:iam::aws:policy/ReadOnlyAccess"';
const ALLOWED_PRINCIPAL_ARN =
  'each must be an IAM principal ARN: "arn:aws:iam::<12 digits>:root", ":user/<name>" or ":role/<name>"';
const ALLOWED_KEY_PREFIX = `must be 1 to 512 characters of letters, digits and !_.*'()/-, not starting with "/" nor containing "//"`;
/** A web-identity source, so that webIdentityTokenFile applies. */
const WEB_SOURCE = { sourceAuth: "web-identity", sourceRoleArn: "arn:aws:iam::111111111111:role/ci" };
const TARGETS_SHAPE =
  'must be a list of objects such as [{"name": "prod", "destinationProfile": "prod"}] (environment: JSON)';

describe("loadConfig", () => {
  describe("defaults", () => {
    it("gives the documented defaults when nothing is set", () => {
      // WHEN
      const config = configFrom();

      // THEN
      expect(config).toEqual({
        region: "us-east-1",
        sourceProfile: "source",
        destinationProfile: "destination",
        sourceAccountId: undefined,
        destinationAccountId: undefined,
        role: {
          name: "cdktf-assume-role-ec2",
          path: "/",
          trustedPrincipalArns: [],
          externalIds: [],
          externalId: undefined,
          requireMfa: false,
          mfaMaxAgeSeconds: undefined,
          principalOrgId: undefined,
          requireSourceIdentity: false,
          sourceIdentity: undefined,
          sessionTags: {},
          maxSessionDurationSeconds: undefined,
          sessionDurationSeconds: undefined,
          permissionsBoundaryArn: undefined,
          permissions: "ec2-full-access",
          managedPolicyArns: [],
        },
        sourceAuth: "profile",
        sourceRoleArn: undefined,
        webIdentityTokenFile: undefined,
        hubRoleArns: [],
        instance: {
          type: "t2.micro",
          name: "cross-account-instance",
          amiOwners: [CANONICAL_ACCOUNT_ID],
          amiNameFilter: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
          amiId: undefined,
          amiSsmParameter: undefined,
          replaceOnNewAmi: false,
          subnetId: undefined,
          securityGroupIds: [],
          associatePublicIpAddress: false,
          rootVolumeSizeGib: 8,
        },
        roleReadyTimeoutSeconds: 120,
        tags: {},
        state: {
          backend: "local",
          dir: PROJECT_DIR,
          bucket: undefined,
          keyPrefix: "cdktf-assume-role",
          region: "us-east-1",
          profile: "source",
          lock: "lockfile",
          lockTable: undefined,
          webIdentity: undefined,
          cloudOrganization: undefined,
          cloudHostname: "app.terraform.io",
          cloudWorkspacePrefix: "cdktf-assume-role-",
          cloudDynamicCredentials: false,
          cloudExecutionMode: "remote",
          kmsKeyId: undefined,
        },
        targets: [],
      });
    });

    it("trusts Canonical's account for the default Ubuntu AMI", () => {
      expect(CANONICAL_ACCOUNT_ID).toBe("099720109477");
      expect(DEFAULTS.amiOwners).toEqual([CANONICAL_ACCOUNT_ID]);
    });
  });

  describe("sources", () => {
    it("takes context values over the defaults", () => {
      // WHEN
      const config = configFrom({
        region: "eu-central-1",
        sourceProfile: "src",
        destinationProfile: "dst",
        sourceAccountId: SOURCE_ACCOUNT,
        destinationAccountId: DESTINATION_ACCOUNT,
        roleName: "deployer",
        instanceType: "m5.large",
      });

      // THEN
      expect(config).toMatchObject({
        region: "eu-central-1",
        sourceProfile: "src",
        destinationProfile: "dst",
        sourceAccountId: SOURCE_ACCOUNT,
        destinationAccountId: DESTINATION_ACCOUNT,
        role: { name: "deployer" },
        instance: { type: "m5.large" },
      });
    });

    it("takes environment variables over context values", () => {
      // WHEN
      const config = configFrom(
        { region: "eu-central-1", roleName: "from-context", destinationProfile: "dst" },
        { AWS_REGION: "eu-west-1", ROLE_NAME: "from-env" },
      );

      // THEN
      expect(config.region).toBe("eu-west-1");
      expect(config.role.name).toBe("from-env");
      expect(config.destinationProfile).toBe("dst");
    });

    it("treats an empty environment variable as unset", () => {
      // WHEN
      const config = configFrom({ region: "eu-central-1" }, { AWS_REGION: "" });

      // THEN
      expect(config.region).toBe("eu-central-1");
    });

    it("names the environment variable a bad value came from", () => {
      expect(() => configFrom({ region: "eu-central-1" }, { AWS_REGION: "mars" })).toThrow(
        exactly(`Invalid setting: region (env AWS_REGION) is "mars"; ${ALLOWED_REGION}`),
      );
    });

    it("keeps an environment value that is not JSON as text, so that a JSON setting names it", () => {
      expect(() => configFrom({}, { TARGETS: "prod" })).toThrow(
        exactly(`Invalid setting: targets (env TARGETS) is "prod"; ${TARGETS_SHAPE}`),
      );
    });

    it("throws a ConfigError that lists the problems", () => {
      // WHEN
      let error: unknown;
      try {
        configFrom({ region: "mars" });
      } catch (e) {
        error = e;
      }

      // THEN
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).name).toBe("ConfigError");
      expect((error as ConfigError).problems).toEqual([`region (context "region") is "mars"; ${ALLOWED_REGION}`]);
    });

    it("reports several bad values at once, one per line", () => {
      expect(() => configFrom({ region: "mars", roleName: "bad name!", backend: "gcs" })).toThrow(
        exactly(
          [
            "Invalid settings:",
            `  - region (context "region") is "mars"; ${ALLOWED_REGION}`,
            '  - roleName (context "roleName") is "bad name!"; must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)',
            '  - backend (context "backend") is "gcs"; allowed: "local", "s3", "cloud"',
          ].join("\n"),
        ),
      );
    });
  });

  describe("rules", () => {
    // One bad value per setting, with the exact message; `extra` makes the value applicable.
    const cases: readonly { key: string; value: unknown; message: string; extra?: Context }[] = [
      { key: "region", value: "mars", message: `region (context "region") is "mars"; ${ALLOWED_REGION}` },
      { key: "stsRegion", value: "mars", message: `stsRegion (context "stsRegion") is "mars"; ${ALLOWED_REGION}` },
      {
        key: "sourceProfile",
        value: "-source",
        message: `sourceProfile (context "sourceProfile") is "-source"; ${ALLOWED_PROFILE}`,
      },
      {
        key: "destinationProfile",
        value: "my profile",
        message: `destinationProfile (context "destinationProfile") is "my profile"; ${ALLOWED_PROFILE}`,
      },
      {
        key: "sourceAuth",
        value: "oidc",
        message: 'sourceAuth (context "sourceAuth") is "oidc"; allowed: "profile", "web-identity"',
      },
      {
        key: "sourceRoleArn",
        value: "arn:aws:iam::111111111111:user/ci",
        extra: { sourceAuth: "web-identity", webIdentityTokenFile: "/run/token" },
        message:
          'sourceRoleArn (context "sourceRoleArn") is "arn:aws:iam::111111111111:user/ci"; must be an IAM role ARN such as "arn:aws:iam::111111111111:role/deployer"',
      },
      {
        key: "webIdentityTokenFile",
        value: 42,
        extra: { sourceAuth: "web-identity", sourceRoleArn: "arn:aws:iam::111111111111:role/ci" },
        message: 'webIdentityTokenFile (context "webIdentityTokenFile") is 42; must be a file path',
      },
      {
        key: "hubRoleArns",
        value: ["arn:aws:iam::333333333333:role/hub", "hub"],
        message: `hubRoleArns (context "hubRoleArns") is ["arn:aws:iam::333333333333:role/hub","hub"]; "hub" not allowed; ${ALLOWED_HUB_ROLES}`,
      },
      {
        key: "sourceAccountId",
        value: "12345",
        message: `sourceAccountId (context "sourceAccountId") is "12345"; ${ALLOWED_ACCOUNT}`,
      },
      {
        // A number in cdktf.json is not an account id: leading zeros would be lost.
        key: "destinationAccountId",
        value: 222222222222,
        message: `destinationAccountId (context "destinationAccountId") is 222222222222; ${ALLOWED_ACCOUNT}`,
      },
      {
        key: "roleName",
        value: "bad name!",
        message:
          'roleName (context "roleName") is "bad name!"; must be 1 to 64 letters, digits or _+=,.@- (IAM role name rules)',
      },
      {
        key: "rolePath",
        value: "team",
        message:
          'rolePath (context "rolePath") is "team"; must be "/" or start and end with "/" with 1 to 510 printable ASCII characters between (IAM path rules)',
      },
      {
        key: "permissions",
        value: "admin",
        message: 'permissions (context "permissions") is "admin"; allowed: "ec2-full-access", "least-privilege"',
      },
      {
        key: "managedPolicyArns",
        value: ["arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"],
        message: `managedPolicyArns (context "managedPolicyArns") is ["arn:aws:iam::aws:policy/ReadOnlyAccess","ReadOnlyAccess"]; "ReadOnlyAccess" not allowed; each ${ALLOWED_POLICY_ARN}`,
      },
      {
        key: "trustedPrincipalArns",
        value: ["*"],
        message: `trustedPrincipalArns (context "trustedPrincipalArns") is ["*"]; "*" not allowed; ${ALLOWED_PRINCIPAL_ARN}`,
      },
      {
        key: "externalId",
        value: "x",
        message:
          'externalId (context "externalId") is "x"; must be 2 to 1224 characters of letters, digits and _+=,.@:/-',
      },
      {
        key: "externalIds",
        value: ["tenant-42", "x"],
        message:
          'externalIds (context "externalIds") is ["tenant-42","x"]; "x" not allowed; each must be 2 to 1224 characters of letters, digits and _+=,.@:/-',
      },
      {
        key: "requireMfa",
        value: "yes",
        message: 'requireMfa (context "requireMfa") is "yes"; allowed: true or false (environment: "true" or "false")',
      },
      {
        key: "mfaMaxAgeSeconds",
        value: 0,
        extra: { requireMfa: true },
        message: 'mfaMaxAgeSeconds (context "mfaMaxAgeSeconds") is 0; must be a whole number from 1 to 129600',
      },
      {
        key: "principalOrgId",
        value: "o-short",
        message:
          'principalOrgId (context "principalOrgId") is "o-short"; must be an AWS Organizations id such as "o-a1b2c3d4e5" ("o-" and 10 to 32 lowercase letters or digits)',
      },
      {
        key: "requireSourceIdentity",
        value: "always",
        extra: { sourceIdentity: "alice" },
        message:
          'requireSourceIdentity (context "requireSourceIdentity") is "always"; allowed: true or false (environment: "true" or "false")',
      },
      {
        key: "sourceIdentity",
        value: "alice smith",
        message:
          'sourceIdentity (context "sourceIdentity") is "alice smith"; must be 2 to 64 letters, digits or _+=,.@- (STS source identity rules)',
      },
      {
        key: "sessionTags",
        value: { "aws:team": "platform" },
        message:
          'sessionTags (context "sessionTags") is {"aws:team":"platform"}; tag key "aws:team" must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"',
      },
      {
        key: "maxSessionDurationSeconds",
        value: 60,
        message:
          'maxSessionDurationSeconds (context "maxSessionDurationSeconds") is 60; must be a whole number from 3600 to 43200',
      },
      {
        key: "sessionDurationSeconds",
        value: 60,
        message:
          'sessionDurationSeconds (context "sessionDurationSeconds") is 60; must be a whole number from 900 to 43200',
      },
      {
        key: "permissionsBoundaryArn",
        value: "Boundary",
        message: `permissionsBoundaryArn (context "permissionsBoundaryArn") is "Boundary"; it ${ALLOWED_POLICY_ARN}`,
      },
      {
        key: "roleReadyTimeoutSeconds",
        value: 3601,
        message:
          'roleReadyTimeoutSeconds (context "roleReadyTimeoutSeconds") is 3601; must be a whole number from 0 to 3600',
      },
      {
        key: "instanceType",
        value: "micro",
        message:
          'instanceType (context "instanceType") is "micro"; must be an EC2 instance type such as "t2.micro" or "m5.large" (family with generation, dot, size)',
      },
      {
        key: "instanceName",
        value: "web#1",
        message:
          'instanceName (context "instanceName") is "web#1"; must be 1 to 256 letters, digits, spaces or _.:/=+-@',
      },
      {
        key: "amiOwners",
        value: ["canonical"],
        message:
          'amiOwners (context "amiOwners") is ["canonical"]; "canonical" not allowed; each must be a 12-digit account id or one of "amazon", "aws-marketplace", "self"',
      },
      {
        key: "amiNameFilter",
        value: "ubuntu;reboot",
        message:
          'amiNameFilter (context "amiNameFilter") is "ubuntu;reboot"; must be 1 to 128 characters of letters, digits, spaces and ()[]./\'@_-, with * and ? as wildcards',
      },
      {
        key: "amiId",
        value: "ami-12345",
        message:
          'amiId (context "amiId") is "ami-12345"; must be an AMI id such as "ami-0123456789abcdef0" ("ami-" and 8 or 17 lowercase hex digits)',
      },
      {
        key: "amiSsmParameter",
        value: "/aws/service/ubuntu ami",
        message:
          'amiSsmParameter (context "amiSsmParameter") is "/aws/service/ubuntu ami"; must be an SSM parameter name such as "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id" (letters, digits and _.-, levels separated by "/")',
      },
      {
        key: "replaceOnNewAmi",
        value: "yes",
        message:
          'replaceOnNewAmi (context "replaceOnNewAmi") is "yes"; allowed: true or false (environment: "true" or "false")',
      },
      {
        key: "subnetId",
        value: "subnet-XYZ",
        message:
          'subnetId (context "subnetId") is "subnet-XYZ"; must be a subnet id such as "subnet-0123456789abcdef0" ("subnet-" and 8 or 17 lowercase hex digits)',
      },
      {
        key: "securityGroupIds",
        value: ["sg-0123456789abcdef0", "default"],
        message: `securityGroupIds (context "securityGroupIds") is ["sg-0123456789abcdef0","default"]; "default" not allowed; ${ALLOWED_SECURITY_GROUPS}`,
      },
      {
        key: "associatePublicIpAddress",
        value: "1",
        message:
          'associatePublicIpAddress (context "associatePublicIpAddress") is "1"; allowed: true or false (environment: "true" or "false")',
      },
      {
        key: "rootVolumeSizeGib",
        value: 0,
        message: 'rootVolumeSizeGib (context "rootVolumeSizeGib") is 0; must be a whole number from 1 to 16384',
      },
      {
        key: "tags",
        value: { Name: "web" },
        message:
          'tags (context "tags") is {"Name":"web"}; tag key "Name" is set by the app (use instanceName for Name)',
      },
      {
        key: "stateDir",
        value: 42,
        message: 'stateDir (context "stateDir") is 42; must be a directory path',
      },
      {
        key: "backend",
        value: "gcs",
        message: 'backend (context "backend") is "gcs"; allowed: "local", "s3", "cloud"',
      },
      {
        key: "stateBucket",
        value: "My_Bucket",
        extra: { backend: "s3" },
        message:
          'stateBucket (context "stateBucket") is "My_Bucket"; must be an S3 bucket name: 3 to 63 lowercase letters, digits, dots or dashes, starting and ending with a letter or digit',
      },
      {
        key: "stateKeyPrefix",
        value: "my state",
        message: `stateKeyPrefix (context "stateKeyPrefix") is "my state"; ${ALLOWED_KEY_PREFIX}`,
      },
      {
        key: "stateRegion",
        value: "moon-1",
        message: `stateRegion (context "stateRegion") is "moon-1"; ${ALLOWED_REGION}`,
      },
      {
        key: "stateProfile",
        value: "state profile",
        message: `stateProfile (context "stateProfile") is "state profile"; ${ALLOWED_PROFILE}`,
      },
      {
        key: "stateLock",
        value: "consul",
        message: 'stateLock (context "stateLock") is "consul"; allowed: "lockfile", "dynamodb"',
      },
      {
        key: "stateLockTable",
        value: "tf",
        extra: { stateLock: "dynamodb", backend: "s3", stateBucket: "my-state" },
        message:
          'stateLockTable (context "stateLockTable") is "tf"; must be a DynamoDB table name: 3 to 255 letters, digits or _.-',
      },
      {
        key: "stateKmsKeyId",
        value: "alias/terraform-state",
        message:
          'stateKmsKeyId (context "stateKmsKeyId") is "alias/terraform-state"; must be a KMS key ARN such as "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" or a key id (not an alias)',
      },
      {
        key: "cloudOrganization",
        value: "acme corp",
        message:
          'cloudOrganization (context "cloudOrganization") is "acme corp"; must be an HCP Terraform organization name: 1 to 90 letters, digits, _ or -',
      },
      {
        key: "cloudHostname",
        value: "https://app.terraform.io",
        message:
          'cloudHostname (context "cloudHostname") is "https://app.terraform.io"; must be a host name such as "app.terraform.io"',
      },
      {
        key: "cloudWorkspacePrefix",
        value: "cdktf assume/",
        message:
          'cloudWorkspacePrefix (context "cloudWorkspacePrefix") is "cdktf assume/"; must be 0 to 64 letters, digits, _ or - (workspace names are the prefix and the stack name)',
      },
      {
        key: "cloudDynamicCredentials",
        value: "yes",
        message:
          'cloudDynamicCredentials (context "cloudDynamicCredentials") is "yes"; allowed: true or false (environment: "true" or "false")',
      },
      {
        key: "cloudExecutionMode",
        value: "workers",
        message: 'cloudExecutionMode (context "cloudExecutionMode") is "workers"; allowed: "remote", "local", "agent"',
      },
      {
        key: "targets",
        value: "prod",
        message: `targets (context "targets") is "prod"; ${TARGETS_SHAPE}`,
      },
    ];

    it("has a case for every setting", () => {
      expect(cases.map((c) => c.key).sort()).toEqual(SETTINGS.map((s) => s.key).sort());
    });

    it.each(cases)("rejects a bad value of $key, naming the setting, the value and what is allowed", (c) => {
      expect(() => configFrom({ ...c.extra, [c.key]: c.value })).toThrow(exactly(`Invalid setting: ${c.message}`));
    });

    it.each([
      {
        key: "webIdentityTokenFile",
        value: "/run/token\nsecond-line",
        message: "must be a file path",
        extra: WEB_SOURCE,
      },
      { key: "webIdentityTokenFile", value: `/${"t".repeat(4096)}`, message: "must be a file path", extra: WEB_SOURCE },
      { key: "cloudHostname", value: "app.terraform.io1", message: 'must be a host name such as "app.terraform.io"' },
      {
        key: "cloudHostname",
        value: `${`${"a".repeat(63)}.`.repeat(4)}io`,
        message: 'must be a host name such as "app.terraform.io"',
      },
    ] as { key: string; value: string; message: string; extra?: Context }[])(
      "rejects $key at the edge of what is allowed",
      ({ key, value, message, extra }) => {
        expect(() => configFrom({ ...extra, [key]: value })).toThrow(
          exactly(`Invalid setting: ${key} (context "${key}") is ${JSON.stringify(value)}; ${message}`),
        );
      },
    );

    it("takes a token file path of 4,096 characters, the longest", () => {
      const path = `/${"t".repeat(4095)}`;
      expect(configFrom({ ...WEB_SOURCE, webIdentityTokenFile: path }).webIdentityTokenFile).toBe(path);
    });

    it.each([
      ["sourceAccountId", SOURCE_ACCOUNT],
      ["roleName", "Deployer+ci=1,a.b@c_d-e"],
      ["rolePath", "/team/deployers/"],
      ["externalId", "tenant:42/prod"],
      ["principalOrgId", "o-a1b2c3d4e5"],
      ["permissionsBoundaryArn", "arn:aws-us-gov:iam::222222222222:policy/boundaries/Deploy"],
      ["instanceType", "c7gn.metal"],
      ["amiNameFilter", "al2023-ami-2023.*-x86_64"],
      ["stateKeyPrefix", "teams/platform"],
      ["cloudHostname", "x.acme.example"],
    ])("accepts a valid %s %j", (key, value) => {
      expect(() => configFrom({ [key]: value })).not.toThrow();
    });

    it("accepts the principal forms the trust policy allows", () => {
      // GIVEN
      const arns = [
        `arn:aws:iam::${SOURCE_ACCOUNT}:root`,
        `arn:aws:iam::${SOURCE_ACCOUNT}:user/ci/deployer`,
        `arn:aws-cn:iam::${SOURCE_ACCOUNT}:role/Deployer`,
        `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/Deployer/session-1`,
      ];

      // WHEN
      const config = configFrom({ trustedPrincipalArns: arns });

      // THEN
      expect(config.role.trustedPrincipalArns).toEqual(arns);
    });

    // A wildcard inside an ARN is as open as "*" itself: any account, or any role of the account.
    it.each([
      ["arn:aws:iam::*:root"],
      ["arn:aws:iam::*:role/Deployer"],
      [`arn:aws:iam::${SOURCE_ACCOUNT}:role/*`],
      [`arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/Deployer/*`],
      [`arn:*:iam::${SOURCE_ACCOUNT}:root`],
    ])("rejects the trusted principal %s, which has a wildcard", (arn) => {
      expect(() => configFrom({ trustedPrincipalArns: [arn] })).toThrow(
        exactly(
          `Invalid setting: trustedPrincipalArns (context "trustedPrincipalArns") is ${JSON.stringify([arn])}; ${JSON.stringify(arn)} not allowed; ${ALLOWED_PRINCIPAL_ARN}`,
        ),
      );
    });

    it.each([
      ["a fraction", 3600.5],
      ["a negative number", -1],
      ["above the maximum", 43201],
      ["a word", "an hour"],
    ])("rejects a session duration that is %s", (_what, value) => {
      expect(() => configFrom({ maxSessionDurationSeconds: value })).toThrow(
        exactly(
          `Invalid setting: maxSessionDurationSeconds (context "maxSessionDurationSeconds") is ${JSON.stringify(value)}; must be a whole number from 3600 to 43200`,
        ),
      );
    });

    // Terraform's S3 backend refuses such keys at `terraform init`; the config catches them first.
    it.each([["/teams"], ["/"], ["teams//platform"]])("rejects the state key prefix %j", (prefix) => {
      expect(() => configFrom({ stateKeyPrefix: prefix })).toThrow(
        exactly(`Invalid setting: stateKeyPrefix (context "stateKeyPrefix") is "${prefix}"; ${ALLOWED_KEY_PREFIX}`),
      );
    });

    it.each([
      ["context", { amiOwners: [] }, {}, 'context "amiOwners") is []'],
      ["environment", {}, { AMI_OWNERS: " , " }, 'env AMI_OWNERS) is " , "'],
    ])("rejects an empty list of AMI owners from the %s", (_source, context, env, shown) => {
      expect(() => configFrom(context, env)).toThrow(
        exactly(
          `Invalid setting: amiOwners (${shown}; must name at least one owner; each must be a 12-digit account id or one of "amazon", "aws-marketplace", "self"`,
        ),
      );
    });

    describe("trust and session settings that depend on each other", () => {
      it.each<[string, Context, string]>([
        [
          "an externalId that is not one of externalIds",
          { externalIds: ["tenant-42", "tenant-43"], externalId: "tenant-44" },
          'externalId (context "externalId") is "tenant-44"; must be one of externalIds ["tenant-42","tenant-43"]: ec2-stack sends it, and the role accepts only those',
        ],
        [
          "several externalIds without the one ec2-stack sends",
          { externalIds: ["tenant-42", "tenant-43"] },
          'externalIds (context "externalIds") is ["tenant-42","tenant-43"]; names several external ids; set externalId to the one ec2-stack sends',
        ],
        [
          "an empty list of externalIds",
          { externalIds: [] },
          'externalIds (context "externalIds") is []; must name at least one; each must be 2 to 1224 characters of letters, digits and _+=,.@:/-',
        ],
        [
          "requireSourceIdentity without a sourceIdentity",
          { requireSourceIdentity: true },
          'requireSourceIdentity (context "requireSourceIdentity") is true; the role then refuses every session without a source identity; set sourceIdentity, which ec2-stack sends',
        ],
        [
          "a session longer than the role's default maximum",
          { sessionDurationSeconds: 7200 },
          'sessionDurationSeconds (context "sessionDurationSeconds") is 7200; must be at most the role\'s maximum session duration, 3600 (its default)',
        ],
        [
          "a session longer than maxSessionDurationSeconds",
          { maxSessionDurationSeconds: 7200, sessionDurationSeconds: 7201 },
          'sessionDurationSeconds (context "sessionDurationSeconds") is 7201; must be at most the role\'s maximum session duration, 7200 (maxSessionDurationSeconds)',
        ],
        [
          "a session over an hour when every trusted principal is a role (role chaining)",
          {
            trustedPrincipalArns: [
              `arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`,
              `arn:aws:sts::${SOURCE_ACCOUNT}:assumed-role/sso/alice`,
            ],
            maxSessionDurationSeconds: 43200,
            sessionDurationSeconds: 7200,
          },
          'sessionDurationSeconds (context "sessionDurationSeconds") is 7200; must be at most 3600: every trusted principal is a role, and AWS limits a session that a role session asks for (role chaining) to one hour',
        ],
        [
          "session tags whose keys differ only in case",
          { sessionTags: { team: "a", Team: "b" } },
          'sessionTags (context "sessionTags") is {"team":"a","Team":"b"}; tag keys "team" and "Team" differ only in case',
        ],
        [
          "more than 50 session tags",
          { sessionTags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])) },
          `sessionTags (context "sessionTags") is ${JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"])))}; 51 tags given; at most 50 (AWS's limit)`,
        ],
      ])("rejects %s", (_what, context, message) => {
        expect(() => configFrom(context)).toThrow(exactly(`Invalid setting: ${message}`));
      });

      it.each<[string, Context, Partial<Record<string, unknown>>]>([
        ["externalId alone", { externalId: "tenant-42" }, { externalIds: ["tenant-42"], externalId: "tenant-42" }],
        ["one of externalIds", { externalIds: ["tenant-42"] }, { externalIds: ["tenant-42"], externalId: "tenant-42" }],
        [
          "externalId among externalIds",
          { externalIds: ["tenant-42", "tenant-43"], externalId: "tenant-43" },
          { externalIds: ["tenant-42", "tenant-43"], externalId: "tenant-43" },
        ],
        [
          "a session as long as the role's maximum",
          { maxSessionDurationSeconds: 7200, sessionDurationSeconds: 7200 },
          { maxSessionDurationSeconds: 7200, sessionDurationSeconds: 7200 },
        ],
        [
          "a long session when a user is among the trusted principals",
          {
            trustedPrincipalArns: [
              `arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`,
              `arn:aws:iam::${SOURCE_ACCOUNT}:user/alice`,
            ],
            maxSessionDurationSeconds: 43200,
            sessionDurationSeconds: 43200,
          },
          { sessionDurationSeconds: 43200 },
        ],
        [
          "a required source identity with the one ec2-stack sends",
          { requireSourceIdentity: true, sourceIdentity: "alice@example.com" },
          { requireSourceIdentity: true, sourceIdentity: "alice@example.com" },
        ],
      ])("accepts %s", (_what, context, role) => {
        expect(configFrom(context).role).toMatchObject(role);
      });

      it("reads list and map settings from the environment", () => {
        expect(
          configFrom(
            {},
            {
              EXTERNAL_IDS: "tenant-42, tenant-43",
              EXTERNAL_ID: "tenant-43",
              SESSION_TAGS: "team=platform,cost-center=42",
              REQUIRE_SOURCE_IDENTITY: "true",
              SOURCE_IDENTITY: "alice",
              SESSION_DURATION_SECONDS: "1800",
            },
          ).role,
        ).toMatchObject({
          externalIds: ["tenant-42", "tenant-43"],
          externalId: "tenant-43",
          sessionTags: { team: "platform", "cost-center": "42" },
          requireSourceIdentity: true,
          sourceIdentity: "alice",
          sessionDurationSeconds: 1800,
        });
      });
    });

    it("rejects a list setting that is not a list", () => {
      expect(() => configFrom({ managedPolicyArns: { ReadOnly: "arn:aws:iam::aws:policy/ReadOnlyAccess" } })).toThrow(
        exactly(
          `Invalid setting: managedPolicyArns (context "managedPolicyArns") is {"ReadOnly":"arn:aws:iam::aws:policy/ReadOnlyAccess"}; must be a list (environment: comma-separated); each ${ALLOWED_POLICY_ARN}`,
        ),
      );
    });

    it("rejects AmazonEC2FullAccess in managedPolicyArns when permissions attach it already", () => {
      expect(() => configFrom({ managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"] })).toThrow(
        exactly(
          'Invalid setting: managedPolicyArns (context "managedPolicyArns") is ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]; "arn:aws:iam::aws:policy/AmazonEC2FullAccess" is attached already by permissions "ec2-full-access"; remove it',
        ),
      );
    });

    it("accepts AmazonEC2FullAccess in managedPolicyArns with least-privilege permissions", () => {
      const config = configFrom({
        permissions: "least-privilege",
        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonEC2FullAccess"],
      });
      expect(config.role.managedPolicyArns).toEqual(["arn:aws:iam::aws:policy/AmazonEC2FullAccess"]);
    });

    it("rejects mfaMaxAgeSeconds without requireMfa", () => {
      expect(() => configFrom({ mfaMaxAgeSeconds: 900 })).toThrow(
        exactly(
          'Invalid setting: mfaMaxAgeSeconds (context "mfaMaxAgeSeconds") is 900; it only applies with requireMfa=true; set requireMfa or remove mfaMaxAgeSeconds',
        ),
      );
    });

    it("accepts mfaMaxAgeSeconds with requireMfa", () => {
      // WHEN
      const config = configFrom({ requireMfa: true, mfaMaxAgeSeconds: 900 });

      // THEN
      expect(config.role).toMatchObject({ requireMfa: true, mfaMaxAgeSeconds: 900 });
    });
  });

  describe("landing-zone settings: network, image, role readiness", () => {
    it("reads the network and image settings", () => {
      // WHEN
      const config = configFrom(
        {},
        {
          SUBNET_ID: "subnet-0123456789abcdef0",
          SECURITY_GROUP_IDS: "sg-0123456789abcdef0, sg-89abcdef",
          AMI_SSM_PARAMETER: "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
          REPLACE_ON_NEW_AMI: "true",
          ROLE_READY_TIMEOUT_SECONDS: "0",
        },
      );

      // THEN
      expect(config.instance).toMatchObject({
        subnetId: "subnet-0123456789abcdef0",
        securityGroupIds: ["sg-0123456789abcdef0", "sg-89abcdef"],
        amiSsmParameter: "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
        amiId: undefined,
        replaceOnNewAmi: true,
      });
      expect(config.roleReadyTimeoutSeconds).toBe(0);
    });

    it("takes an explicit AMI id with the default lookup settings left alone", () => {
      const config = configFrom({ amiId: "ami-0123456789abcdef0" });
      expect(config.instance.amiId).toBe("ami-0123456789abcdef0");
      expect(config.instance.replaceOnNewAmi).toBe(false);
    });

    it.each([
      [
        "amiId and amiSsmParameter",
        { amiId: "ami-01234567", amiSsmParameter: "/my/ami" },
        'amiSsmParameter (context "amiSsmParameter") is "/my/ami"; amiId is set too; set one of amiId, amiSsmParameter or the amiNameFilter lookup',
      ],
      [
        "amiId and amiNameFilter",
        { amiId: "ami-01234567", amiNameFilter: "my-image-*" },
        'amiNameFilter (context "amiNameFilter") is "my-image-*"; it applies to the image lookup, and amiId names the image; remove one of them',
      ],
      [
        "amiId and amiOwners",
        { amiId: "ami-01234567", amiOwners: ["self"] },
        'amiOwners (context "amiOwners") is ["self"]; it applies to the image lookup, and amiId names the image; remove one of them',
      ],
      [
        "amiId and replaceOnNewAmi",
        { amiId: "ami-01234567", replaceOnNewAmi: true },
        'replaceOnNewAmi (context "replaceOnNewAmi") is true; it applies to an image lookup; with amiId a changed amiId always replaces the instance',
      ],
      [
        "amiSsmParameter and amiNameFilter",
        { amiSsmParameter: "/my/ami", amiNameFilter: "my-image-*" },
        'amiNameFilter (context "amiNameFilter") is "my-image-*"; amiSsmParameter is set too: the parameter names the image; remove one of them',
      ],
    ])("refuses %s together, naming both", (_, context, message) => {
      expect(() => configFrom(context)).toThrow(exactly(`Invalid setting: ${message}`));
    });

    it("allows amiOwners with amiSsmParameter: the launch permission names the owner", () => {
      const config = configFrom({ amiSsmParameter: "/my/ami", amiOwners: ["amazon"] });
      expect(config.instance).toMatchObject({ amiSsmParameter: "/my/ami", amiOwners: ["amazon"] });
    });

    it.each([
      ["us-east-1", "099720109477"],
      ["us-gov-west-1", "513442679011"],
      ["cn-north-1", "837727238323"],
    ])("looks for Canonical's images in region %s in Canonical's account of that partition, %s", (region, owner) => {
      expect(configFrom({ region }).instance.amiOwners).toEqual([owner]);
    });

    it("keeps the given amiOwners in any partition", () => {
      expect(configFrom({ region: "us-gov-west-1", amiOwners: ["self"] }).instance.amiOwners).toEqual(["self"]);
    });

    it("gives each target Canonical's account of the partition of its own region", () => {
      const config = configFrom({
        targets: [
          { name: "gov", destinationProfile: "gov", region: "us-gov-east-1" },
          { name: "com", destinationProfile: "com" },
        ],
      });
      expect(config.targets.map((t) => t.instance.amiOwners)).toEqual([["513442679011"], ["099720109477"]]);
    });

    it("keeps the default owner in an isolated partition, where no account of Canonical's is known", () => {
      expect(configFrom({ region: "us-iso-east-1" }).instance.amiOwners).toEqual([CANONICAL_ACCOUNT_ID]);
    });

    it.each([
      "t4g.micro",
      "m6gd.large",
      "c7gn.xlarge",
      "r8g.medium",
      "x2gd.large",
      "im4gn.large",
      "is4gen.large",
      "g5g.xlarge",
      "a1.medium",
    ])("looks up the arm64 build of the default image for the arm64 type %s", (instanceType) => {
      expect(configFrom({ instanceType }).instance.amiNameFilter).toBe(
        "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-*",
      );
    });

    it.each(["t3.micro", "m6i.large", "g4dn.xlarge", "mac2.metal", "m7i-flex.large", "u-12tb1.112xlarge"])(
      "keeps the amd64 build of the default image for the x86 type %s",
      (instanceType) => {
        expect(configFrom({ instanceType }).instance.amiNameFilter).toBe(
          "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
        );
      },
    );

    it.each([
      ["amiId", { amiId: "ami-0123456789abcdef0" }],
      [
        "amiSsmParameter",
        { amiSsmParameter: "/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id" },
      ],
    ])("leaves the default name filter alone for an arm64 type when %s names the image", (_, context) => {
      expect(configFrom({ instanceType: "t4g.micro", ...context }).instance.amiNameFilter).toBe(
        "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*",
      );
    });

    it("refuses, for an arm64 type, a name filter that starts with the x86 word", () => {
      expect(() => configFrom({ instanceType: "t4g.micro", amiNameFilter: "x86_64-images-*" })).toThrow(
        'amiNameFilter (context "amiNameFilter") is "x86_64-images-*"; it names x86 images (x86_64)',
      );
    });

    it("keeps a given name filter for an arm64 type when it does not name amd64 images", () => {
      expect(
        configFrom({ instanceType: "t4g.micro", amiNameFilter: "al2023-ami-*-arm64" }).instance.amiNameFilter,
      ).toBe("al2023-ami-*-arm64");
    });

    it.each([
      [
        "an amd64 name filter",
        { instanceType: "t4g.micro", amiNameFilter: "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*" },
        'amiNameFilter (context "amiNameFilter") is "ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"; ' +
          'it names x86 images (amd64), and instanceType "t4g.micro" is an arm64 (Graviton) type, which cannot run them: ' +
          "set amiNameFilter to a pattern of arm64 images, or instanceType to an x86 type",
      ],
      [
        "an x86_64 name filter",
        { instanceType: "a1.large", amiNameFilter: "al2023-ami-*-x86_64" },
        'amiNameFilter (context "amiNameFilter") is "al2023-ami-*-x86_64"; it names x86 images (x86_64), and ' +
          'instanceType "a1.large" is an arm64 (Graviton) type, which cannot run them: ' +
          "set amiNameFilter to a pattern of arm64 images, or instanceType to an x86 type",
      ],
      [
        "an amd64 SSM parameter",
        {
          instanceType: "m7g.large",
          amiSsmParameter: "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
        },
        'amiSsmParameter (context "amiSsmParameter") is "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id"; ' +
          'it names x86 images (amd64), and instanceType "m7g.large" is an arm64 (Graviton) type, which cannot run them: ' +
          "set amiSsmParameter to a parameter of arm64 images, or instanceType to an x86 type",
      ],
    ])("refuses %s with an arm64 type, naming instanceType", (_, context, message) => {
      expect(() => configFrom(context)).toThrow(exactly(`Invalid setting: ${message}`));
    });

    it("refuses more security groups than a network interface takes", () => {
      const ids = Array.from({ length: 17 }, (_, i) => `sg-${(0x10000000 + i).toString(16)}`);
      expect(() => configFrom({ securityGroupIds: ids })).toThrow(
        exactly(
          `Invalid setting: securityGroupIds (context "securityGroupIds") is ${JSON.stringify(ids)}; names 17; ${ALLOWED_SECURITY_GROUPS}`,
        ),
      );
    });

    it.each([
      "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id",
      "golden-ami",
      "/a.b/c_d-e",
    ])("accepts the SSM parameter name %s", (name) => {
      expect(configFrom({ amiSsmParameter: name }).instance.amiSsmParameter).toBe(name);
    });

    it.each(["/", "/aws//service", "aws/service/", `/${"a".repeat(2048)}`])(
      "refuses the SSM parameter name %s",
      (name) => {
        expect(() => configFrom({ amiSsmParameter: name })).toThrow(/^Invalid setting: amiSsmParameter /);
      },
    );

    it.each(["ami-0123456789abcdef0", "ami-01234567"])("accepts the AMI id %s", (id) => {
      expect(configFrom({ amiId: id }).instance.amiId).toBe(id);
    });

    it.each(["ami-0123456789ABCDEF0", "ami-0123456789abcdef", "image-01234567"])("refuses the AMI id %s", (id) => {
      expect(() => configFrom({ amiId: id })).toThrow(/^Invalid setting: amiId /);
    });

    it("lets a target set its own subnet and image", () => {
      const config = configFrom({
        targets: [
          { name: "dev", destinationProfile: "dev", subnetId: "subnet-01234567", amiId: "ami-01234567" },
          { name: "prod", destinationProfile: "prod", securityGroupIds: ["sg-01234567"], replaceOnNewAmi: true },
        ],
      });
      expect(config.targets[0].instance).toMatchObject({ subnetId: "subnet-01234567", amiId: "ami-01234567" });
      expect(config.targets[1].instance).toMatchObject({ securityGroupIds: ["sg-01234567"], replaceOnNewAmi: true });
    });
  });

  describe("pipeline settings: web identity and hub roles", () => {
    const WEB = {
      sourceAuth: "web-identity",
      sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
      webIdentityTokenFile: "/run/token",
    };

    it("reads the web identity of the source", () => {
      expect(configFrom(WEB)).toMatchObject({
        sourceAuth: "web-identity",
        sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
        webIdentityTokenFile: "/run/token",
      });
    });

    it.each(["sourceRoleArn", "webIdentityTokenFile"] as const)("needs %s with web-identity", (key) => {
      const context: Record<string, string> = { ...WEB };
      delete context[key];
      expect(() => configFrom(context)).toThrow(
        exactly(`Invalid setting: ${key} (default) is undefined; is required with sourceAuth "web-identity"`),
      );
    });

    it.each(["sourceRoleArn", "webIdentityTokenFile"] as const)('refuses %s with sourceAuth "profile"', (key) => {
      expect(() => configFrom({ sourceAuth: "profile", [key]: WEB[key] })).toThrow(
        exactly(
          `Invalid setting: ${key} (context "${key}") is ${JSON.stringify(WEB[key])}; it applies only with sourceAuth "web-identity"; set sourceAuth or remove it`,
        ),
      );
    });

    it.each(["sourceRoleArn", "webIdentityTokenFile"] as const)("refuses %s without web-identity", (key) => {
      expect(() => configFrom({ [key]: WEB[key] })).toThrow(
        exactly(
          `Invalid setting: ${key} (context "${key}") is ${JSON.stringify(WEB[key])}; it applies only with sourceAuth "web-identity"; set sourceAuth or remove it`,
        ),
      );
    });

    it("reports only the bad sourceAuth, not the settings that depend on it", () => {
      expect(() => configFrom({ ...WEB, sourceAuth: "oidc" })).toThrow(
        exactly('Invalid setting: sourceAuth (context "sourceAuth") is "oidc"; allowed: "profile", "web-identity"'),
      );
    });

    it("trusts the last hub role by default, and keeps given trusted principals", () => {
      const hubs = ["arn:aws:iam::333333333333:role/hub", "arn:aws:iam::444444444444:role/regional-hub"];
      const config = configFrom({ hubRoleArns: hubs });
      expect(config.hubRoleArns).toEqual(hubs);
      expect(config.role.trustedPrincipalArns).toEqual(["arn:aws:iam::444444444444:role/regional-hub"]);
      const given = configFrom({ hubRoleArns: hubs, trustedPrincipalArns: ["arn:aws:iam::333333333333:root"] });
      expect(given.role.trustedPrincipalArns).toEqual(["arn:aws:iam::333333333333:root"]);
    });

    it("takes five hub roles, the most it allows", () => {
      const hubs = Array.from({ length: 5 }, (_, i) => `arn:aws:iam::33333333333${i}:role/hub`);
      expect(configFrom({ hubRoleArns: hubs }).hubRoleArns).toEqual(hubs);
    });

    it("refuses more than five hub roles", () => {
      const hubs = Array.from({ length: 6 }, (_, i) => `arn:aws:iam::33333333333${i}:role/hub`);
      expect(() => configFrom({ hubRoleArns: hubs })).toThrow(
        exactly(
          `Invalid setting: hubRoleArns (context "hubRoleArns") is ${JSON.stringify(hubs)}; names 6; ${ALLOWED_HUB_ROLES}`,
        ),
      );
    });

    it.each([
      [
        "through a hub",
        { hubRoleArns: ["arn:aws:iam::333333333333:role/hub"] },
        "the hub role arn:aws:iam::333333333333:role/hub",
      ],
      ["from a web-identity session", WEB, "the web-identity session of arn:aws:iam::111111111111:role/ci"],
    ])("caps the session at one hour when ec2-stack assumes the role %s (role chaining)", (_, context, from) => {
      expect(() => configFrom({ ...context, maxSessionDurationSeconds: 7200, sessionDurationSeconds: 3601 })).toThrow(
        exactly(
          `Invalid setting: sessionDurationSeconds (context "sessionDurationSeconds") is 3601; must be at most 3600: ec2-stack assumes the role from ${from}, and AWS limits a session that a role session asks for (role chaining) to one hour`,
        ),
      );
      expect(configFrom({ ...context, sessionDurationSeconds: 3600 }).role.sessionDurationSeconds).toBe(3600);
    });

    it("names the missing role in the one-hour cap of a web-identity session without sourceRoleArn", () => {
      const withoutRole = { sourceAuth: WEB.sourceAuth, webIdentityTokenFile: WEB.webIdentityTokenFile };
      expect(() =>
        configFrom({ ...withoutRole, maxSessionDurationSeconds: 7200, sessionDurationSeconds: 3601 }),
      ).toThrow("ec2-stack assumes the role from the web-identity session of sourceRoleArn, and AWS limits");
    });

    it("lets a target go through its own hub", () => {
      const config = configFrom({
        targets: [
          { name: "dev", destinationProfile: "dev", hubRoleArns: ["arn:aws:iam::333333333333:role/hub-dev"] },
          { name: "prod", destinationProfile: "prod" },
        ],
      });
      expect(config.targets[0].role.trustedPrincipalArns).toEqual(["arn:aws:iam::333333333333:role/hub-dev"]);
      expect(config.targets[1].hubRoleArns).toEqual([]);
    });
  });

  describe("tags", () => {
    it.each([
      [
        "a key that starts with aws:",
        { "aws:owner": "me" },
        'tag key "aws:owner" must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"',
      ],
      [
        "a key with a forbidden character",
        { "team!": "platform" },
        'tag key "team!" must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"',
      ],
      [
        "the app's own ManagedBy key",
        { ManagedBy: "me" },
        'tag key "ManagedBy" is set by the app (use instanceName for Name)',
      ],
      [
        "a value that is not a string",
        { cost: 42 },
        'tag "cost" has value 42; values are 0 to 256 letters, digits, spaces or _.:/=+-@',
      ],
      [
        "a value with a forbidden character",
        { team: "a|b" },
        'tag "team" has value "a|b"; values are 0 to 256 letters, digits, spaces or _.:/=+-@',
      ],
    ])("rejects %s", (_what, tags, problem) => {
      expect(() => configFrom({ tags })).toThrow(
        exactly(`Invalid setting: tags (context "tags") is ${JSON.stringify(tags)}; ${problem}`),
      );
    });

    it("refuses session tags whose keys and values together exceed what STS can pack, e.g. 50 of maximum length", () => {
      // GIVEN 50 tags within every per-tag limit: 128-character keys, 256-character values
      const sessionTags = Object.fromEntries(
        Array.from({ length: 50 }, (_, i) => [`${String(i).padStart(2, "0")}${"k".repeat(126)}`, "v".repeat(256)]),
      );

      // THEN
      expect(() => configFrom({ sessionTags })).toThrow(
        /^Invalid setting: sessionTags \(context "sessionTags"\) is \{.*\}; keys and values have 19200 characters in all; at most 2048 \(STS packs session tags into a size limit it does not publish; 2,048, its published plaintext limit of session policies, which share that space, is a conservative bound\)$/,
      );
      // 2048 characters in all are accepted: 8 tags of a 128-character key and a 128-character value.
      const atTheBound = Object.fromEntries(
        Array.from({ length: 8 }, (_, i) => [`${i}${"k".repeat(127)}`, "v".repeat(128)]),
      );
      expect(configFrom({ sessionTags: atTheBound }).role.sessionTags).toEqual(atTheBound);
      expect(() => configFrom({ sessionTags: { ...atTheBound, x: "" } })).toThrow(
        /keys and values have 2049 characters in all; at most 2048 /,
      );
    });

    it("rejects more than 48 tags, leaving room for the app's two", () => {
      // GIVEN
      const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, "v"]));

      // THEN
      expect(() => configFrom({ tags })).toThrow(
        exactly(
          `Invalid setting: tags (context "tags") is ${JSON.stringify(tags)}; 49 tags given; at most 48 (AWS allows 50, the app sets 2)`,
        ),
      );
    });

    it("rejects tags that are not an object", () => {
      expect(() => configFrom({ tags: ["team=platform"] })).toThrow(
        exactly(
          'Invalid setting: tags (context "tags") is ["team=platform"]; must be an object of tag keys to string values',
        ),
      );
    });

    it("reads key=value pairs from the environment", () => {
      // WHEN
      const config = configFrom({}, { TAGS: "team=platform, env = dev ,note=a=b," });

      // THEN
      expect(config.tags).toEqual({ team: "platform", env: "dev", note: "a=b" });
    });

    it("skips pairs that are only spaces, as after a trailing comma and a space", () => {
      // WHEN
      const config = configFrom({}, { TAGS: "team=platform, , env=dev, " });

      // THEN
      expect(config.tags).toEqual({ team: "platform", env: "dev" });
    });

    it("rejects an environment pair without a key", () => {
      expect(() => configFrom({}, { TAGS: "team=platform,=dev" })).toThrow(
        exactly(
          'Invalid setting: tags (env TAGS) is "team=platform,=dev"; must be comma-separated key=value pairs, e.g. "team=platform,env=dev"',
        ),
      );
    });

    it("reads an object of tags from the context", () => {
      // WHEN
      const config = configFrom({ tags: { team: "platform", "cost-center": "" } });

      // THEN
      expect(config.tags).toEqual({ team: "platform", "cost-center": "" });
    });
  });

  describe("types from the environment", () => {
    it("splits comma-separated lists, trimming blanks and dropping duplicates", () => {
      // WHEN
      const config = configFrom(
        {},
        {
          AMI_OWNERS: " amazon, self ,,amazon",
          MANAGED_POLICY_ARNS: "arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::222222222222:policy/Extra",
          TRUSTED_PRINCIPAL_ARNS: `arn:aws:iam::${SOURCE_ACCOUNT}:role/Deployer`,
        },
      );

      // THEN
      expect(config.instance.amiOwners).toEqual(["amazon", "self"]);
      expect(config.role.managedPolicyArns).toEqual([
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::222222222222:policy/Extra",
      ]);
      expect(config.role.trustedPrincipalArns).toEqual([`arn:aws:iam::${SOURCE_ACCOUNT}:role/Deployer`]);
    });

    it.each([
      ["true", true],
      ["false", false],
    ])("reads the boolean %s", (text, value) => {
      // WHEN
      const config = configFrom({}, { REQUIRE_MFA: text, ASSOCIATE_PUBLIC_IP_ADDRESS: text });

      // THEN
      expect(config.role.requireMfa).toBe(value);
      expect(config.instance.associatePublicIpAddress).toBe(value);
    });

    it("reads booleans from the context", () => {
      // WHEN
      const config = configFrom({ requireMfa: true, associatePublicIpAddress: true });

      // THEN
      expect(config.role.requireMfa).toBe(true);
      expect(config.instance.associatePublicIpAddress).toBe(true);
    });

    it("rejects a boolean in another spelling", () => {
      expect(() => configFrom({}, { REQUIRE_MFA: "TRUE" })).toThrow(
        exactly(
          'Invalid setting: requireMfa (env REQUIRE_MFA) is "TRUE"; allowed: true or false (environment: "true" or "false")',
        ),
      );
    });

    it("reads whole numbers", () => {
      // WHEN
      const config = configFrom({}, { MAX_SESSION_DURATION_SECONDS: "7200", ROOT_VOLUME_SIZE_GIB: "30" });

      // THEN
      expect(config.role.maxSessionDurationSeconds).toBe(7200);
      expect(config.instance.rootVolumeSizeGib).toBe(30);
    });
  });

  describe("state", () => {
    it("resolves a relative stateDir against the working directory", () => {
      expect(configFrom({ stateDir: "state/dev" }).state.dir).toBe(`${PROJECT_DIR}/state/dev`);
    });

    it("keeps an absolute stateDir", () => {
      expect(configFrom({ stateDir: "/var/lib/cdktf" }).state.dir).toBe("/var/lib/cdktf");
    });

    it("reads the S3 backend's settings", () => {
      // WHEN
      const config = configFrom({
        backend: "s3",
        stateBucket: "my-state",
        stateKeyPrefix: "teams/platform/",
        stateRegion: "eu-west-1",
        stateProfile: "state",
        stateLock: "dynamodb",
        stateLockTable: "terraform-locks",
      });

      // THEN
      expect(config.state).toEqual({
        backend: "s3",
        dir: PROJECT_DIR,
        bucket: "my-state",
        keyPrefix: "teams/platform",
        region: "eu-west-1",
        profile: "state",
        lock: "dynamodb",
        lockTable: "terraform-locks",
        kmsKeyId: undefined,
        webIdentity: undefined,
        cloudOrganization: undefined,
        cloudHostname: "app.terraform.io",
        cloudWorkspacePrefix: "cdktf-assume-role-",
        cloudDynamicCredentials: false,
        cloudExecutionMode: "remote",
      });
    });

    it("takes HCP Terraform's sessions as role sessions only when dynamic credentials are on, with backend cloud", () => {
      const long = { maxSessionDurationSeconds: 7200, sessionDurationSeconds: 3601 };
      const cloud = { backend: "cloud", cloudOrganization: "acme", cloudExecutionMode: "local" };
      expect(configFrom({ ...cloud, cloudDynamicCredentials: false, ...long }).role.sessionDurationSeconds).toBe(3601);
      expect(() => configFrom({ cloudDynamicCredentials: true, ...long })).toThrow(
        exactly(
          'Invalid setting: cloudDynamicCredentials (context "cloudDynamicCredentials") is true; it applies only with backend "cloud" (HCP Terraform gives the credentials)',
        ),
      );
    });

    it("takes a target's own roleReadyTimeoutSeconds without dynamic credentials", () => {
      const config = configFrom({ targets: [{ name: "dev", roleReadyTimeoutSeconds: 60 }] });
      expect(config.targets[0].roleReadyTimeoutSeconds).toBe(60);
    });

    it("reports only a bad cloudExecutionMode with backend cloud, not what depends on it", () => {
      expect(() => configFrom({ backend: "cloud", cloudOrganization: "acme", cloudExecutionMode: "workers" })).toThrow(
        exactly(
          'Invalid setting: cloudExecutionMode (context "cloudExecutionMode") is "workers"; allowed: "remote", "local", "agent"',
        ),
      );
    });

    it("does not wait for the role by default with backend cloud: HCP Terraform's workers have no node", () => {
      const cloud = { backend: "cloud", cloudOrganization: "acme", cloudExecutionMode: "local" };
      expect(configFrom(cloud).roleReadyTimeoutSeconds).toBe(0);
      expect(configFrom({ ...cloud, roleReadyTimeoutSeconds: 60 }).roleReadyTimeoutSeconds).toBe(60);
      const targets = configFrom({ ...cloud, targets: [{ name: "dev" }] }).targets;
      expect(targets[0].roleReadyTimeoutSeconds).toBe(0);
    });

    it("signs in with HCP Terraform's dynamic credentials when asked, with backend cloud only", () => {
      expect(
        configFrom({ backend: "cloud", cloudOrganization: "acme", cloudDynamicCredentials: true }).state
          .cloudDynamicCredentials,
      ).toBe(true);
      expect(() => configFrom({ cloudDynamicCredentials: true })).toThrow(
        exactly(
          'Invalid setting: cloudDynamicCredentials (context "cloudDynamicCredentials") is true; it applies only with backend "cloud" (HCP Terraform gives the credentials)',
        ),
      );
      expect(() =>
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          cloudDynamicCredentials: true,
          roleReadyTimeoutSeconds: 60,
        }),
      ).toThrow(
        exactly(
          'Invalid setting: cloudDynamicCredentials (context "cloudDynamicCredentials") is true; roleReadyTimeoutSeconds ' +
            "is set too: the wait runs outside Terraform's providers and cannot use HCP Terraform's credentials; set " +
            "roleReadyTimeoutSeconds to 0",
        ),
      );
      expect(() =>
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          cloudDynamicCredentials: true,
          sourceAuth: "web-identity",
          sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
          webIdentityTokenFile: "/run/token",
        }),
      ).toThrow(/^Invalid setting: cloudDynamicCredentials .*sourceAuth is "web-identity" too/);
    });

    it("sends the state's KMS key with every write of the S3 backend when stateKmsKeyId is set", () => {
      const key = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      expect(configFrom({ backend: "s3", stateBucket: "my-state", stateKmsKeyId: key }).state.kmsKeyId).toBe(key);
      expect(configFrom({ backend: "s3", stateBucket: "my-state" }).state.kmsKeyId).toBeUndefined();
      expect(configFrom({ stateKmsKeyId: "mrk-1234abcd12ab34cd56ef1234567890ab" }).state.kmsKeyId).toBe(
        "mrk-1234abcd12ab34cd56ef1234567890ab",
      );
    });

    it("refuses profile sign-in where HCP Terraform runs Terraform (remote, the default, and agent)", () => {
      expect(() => configFrom({ backend: "cloud", cloudOrganization: "acme" })).toThrow(
        exactly(
          'Invalid setting: cloudExecutionMode (default) is undefined; HCP Terraform\'s workers run Terraform there and do not have the profiles "source" (sourceProfile) and "destination" (destinationProfile), so every run would fail: set cloudDynamicCredentials to true (with the workspaces\' dynamic provider credentials), or cloudExecutionMode to "local" and the workspaces\' execution mode to Local',
        ),
      );
      expect(() => configFrom({ backend: "cloud", cloudOrganization: "acme", cloudExecutionMode: "agent" })).toThrow(
        exactly(
          'Invalid setting: cloudExecutionMode (context "cloudExecutionMode") is "agent"; HCP Terraform agents run Terraform there and do not have the profiles "source" (sourceProfile) and "destination" (destinationProfile), so every run would fail: set cloudDynamicCredentials to true (with the workspaces\' dynamic provider credentials), or cloudExecutionMode to "local" and the workspaces\' execution mode to Local',
        ),
      );
      expect(() =>
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          sourceAuth: "web-identity",
          sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
          webIdentityTokenFile: "/run/token",
        }),
      ).toThrow(
        /^Invalid setting: cloudExecutionMode .*do not have the token file "\/run\/token" \(webIdentityTokenFile\)/,
      );
    });

    it("signs in with profiles in local runs, with dynamic credentials in remote and agent runs, and not the other way", () => {
      const cloud = { backend: "cloud", cloudOrganization: "acme" };
      expect(configFrom({ ...cloud, cloudExecutionMode: "local" }).state.cloudExecutionMode).toBe("local");
      expect(configFrom({ ...cloud, cloudDynamicCredentials: true }).state.cloudExecutionMode).toBe("remote");
      expect(
        configFrom({ ...cloud, cloudDynamicCredentials: true, cloudExecutionMode: "agent" }).state.cloudExecutionMode,
      ).toBe("agent");
      expect(() => configFrom({ ...cloud, cloudDynamicCredentials: true, cloudExecutionMode: "local" })).toThrow(
        exactly(
          'Invalid setting: cloudExecutionMode (context "cloudExecutionMode") is "local"; HCP Terraform gives dynamic credentials to remote and agent runs only, and a local run has none: set cloudExecutionMode to "remote" or "agent" (as the workspaces are), or cloudDynamicCredentials to false and sign in with profiles',
        ),
      );
      // Without backend cloud, there are no workspaces to run in.
      expect(() => configFrom({ cloudExecutionMode: "remote" })).not.toThrow();
    });

    it("refuses sessionDurationSeconds above an hour with dynamic credentials: their sessions are role sessions", () => {
      expect(() =>
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          cloudDynamicCredentials: true,
          maxSessionDurationSeconds: 7200,
          sessionDurationSeconds: 7200,
        }),
      ).toThrow(
        exactly(
          'Invalid setting: sessionDurationSeconds (context "sessionDurationSeconds") is 7200; must be at most 3600: ec2-stack assumes the role from the role session of HCP Terraform\'s dynamic credentials (cloudDynamicCredentials), and AWS limits a session that a role session asks for (role chaining) to one hour',
        ),
      );
      expect(
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          cloudDynamicCredentials: true,
          maxSessionDurationSeconds: 7200,
          sessionDurationSeconds: 3600,
        }).role.sessionDurationSeconds,
      ).toBe(3600);
    });

    it("refuses a target's own roleReadyTimeoutSeconds with dynamic credentials, as the top-level one", () => {
      expect(() =>
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          cloudDynamicCredentials: true,
          targets: [{ name: "dev" }, { name: "prod", destinationProfile: "prod", roleReadyTimeoutSeconds: 60 }],
        }),
      ).toThrow(
        exactly(
          "Invalid setting: targets[1].roleReadyTimeoutSeconds (context \"targets\") is 60; must be 0 with cloudDynamicCredentials: the wait runs outside Terraform's providers and cannot use HCP Terraform's credentials",
        ),
      );
      const targets = configFrom({
        backend: "cloud",
        cloudOrganization: "acme",
        cloudDynamicCredentials: true,
        targets: [{ name: "dev", roleReadyTimeoutSeconds: 0 }],
      }).targets;
      expect(targets[0].roleReadyTimeoutSeconds).toBe(0);
    });

    it("keeps the state in HCP Terraform workspaces named after the stacks with backend cloud", () => {
      const config = configFrom({
        backend: "cloud",
        cloudOrganization: "acme",
        cloudWorkspacePrefix: "net-",
        cloudDynamicCredentials: true,
      });
      expect(config.state).toMatchObject({
        backend: "cloud",
        cloudOrganization: "acme",
        cloudHostname: "app.terraform.io",
        cloudWorkspacePrefix: "net-",
      });
      expect(
        configFrom({
          backend: "cloud",
          cloudOrganization: "acme",
          cloudHostname: "tfe.acme.example",
          cloudDynamicCredentials: true,
        }).state,
      ).toMatchObject({ cloudHostname: "tfe.acme.example" });
    });

    it("needs the organization with backend cloud", () => {
      expect(() => configFrom({ backend: "cloud", cloudExecutionMode: "local" })).toThrow(
        exactly(
          'Invalid setting: cloudOrganization (default) is undefined; is required with backend "cloud": the HCP Terraform organization of the workspaces',
        ),
      );
    });

    it("signs in to the S3 state with the OIDC token when the source does, unless a state profile is set", () => {
      const web = {
        sourceAuth: "web-identity",
        sourceRoleArn: "arn:aws:iam::111111111111:role/ci",
        webIdentityTokenFile: "/run/token",
        backend: "s3",
        stateBucket: "my-state",
      };
      expect(configFrom(web).state.webIdentity).toEqual({
        roleArn: "arn:aws:iam::111111111111:role/ci",
        tokenFile: "/run/token",
      });
      expect(configFrom({ ...web, stateProfile: "state" }).state).toMatchObject({
        profile: "state",
        webIdentity: undefined,
      });
    });

    it("keeps the state in the deployment's region with the source profile unless told otherwise", () => {
      // WHEN
      const config = configFrom({ backend: "s3", stateBucket: "my-state", region: "eu-north-1", sourceProfile: "ci" });

      // THEN
      expect(config.state).toMatchObject({ region: "eu-north-1", profile: "ci", lock: "lockfile" });
    });

    it("requires a bucket with the S3 backend", () => {
      expect(() => configFrom({ backend: "s3" })).toThrow(
        exactly(
          'Invalid setting: stateBucket (default) is undefined; is required with backend "s3" (run `npm run bootstrap-state` to create one)',
        ),
      );
    });

    it("requires a table with DynamoDB locking", () => {
      expect(() => configFrom({ backend: "s3", stateBucket: "my-state", stateLock: "dynamodb" })).toThrow(
        exactly('Invalid setting: stateLockTable (default) is undefined; is required with stateLock "dynamodb"'),
      );
    });
  });

  describe("targets", () => {
    it("reads a list of targets, each with its own destination", () => {
      // WHEN
      const config = configFrom({
        targets: [
          { name: "dev", destinationProfile: "dev", destinationAccountId: DESTINATION_ACCOUNT },
          { name: "prod", destinationProfile: "prod", region: "eu-west-1", instanceType: "t3.small" },
        ],
      });

      // THEN
      expect(config.targets.map((t) => t.name)).toEqual(["dev", "prod"]);
      expect(config.targets[0]).toMatchObject({
        destinationProfile: "dev",
        destinationAccountId: DESTINATION_ACCOUNT,
        region: "us-east-1",
      });
      expect(config.targets[1]).toMatchObject({
        destinationProfile: "prod",
        destinationAccountId: undefined,
        region: "eu-west-1",
        instance: { type: "t3.small" },
      });
    });

    it("reads targets from the environment as JSON", () => {
      // WHEN
      const config = configFrom({}, { TARGETS: '[{"name":"dev","destinationProfile":"dev"}]' });

      // THEN
      expect(config.targets).toHaveLength(1);
      expect(config.targets[0]).toMatchObject({ name: "dev", destinationProfile: "dev" });
    });

    it("lets a target inherit every top-level value it does not set", () => {
      // GIVEN
      const context = {
        region: "eu-central-1",
        sourceProfile: "ci",
        sourceAccountId: SOURCE_ACCOUNT,
        roleName: "deployer",
        externalId: "tenant-42",
        requireMfa: true,
        permissions: "least-privilege",
        instanceType: "t3.nano",
        tags: { team: "platform" },
      };

      // WHEN
      const config = configFrom({ ...context, targets: [{ name: "dev", destinationProfile: "dev" }] });

      // THEN the target equals a single deployment with the same values and its own profile
      const single = configFrom({ ...context, destinationProfile: "dev" });
      const deployment = Object.fromEntries(
        Object.entries(single).filter(([key]) => key !== "state" && key !== "targets"),
      );
      expect(config.targets[0]).toEqual({ name: "dev", ...deployment });
    });

    it.each([
      ["an empty list", []],
      ["an object", { name: "dev" }],
    ])("rejects targets that are %s", (_what, targets) => {
      expect(() => configFrom({ targets })).toThrow(
        exactly(`Invalid setting: targets (context "targets") is ${JSON.stringify(targets)}; ${TARGETS_SHAPE}`),
      );
    });

    it("rejects targets in the environment that are not JSON", () => {
      expect(() => configFrom({}, { TARGETS: "dev,prod" })).toThrow(
        exactly(`Invalid setting: targets (env TARGETS) is "dev,prod"; ${TARGETS_SHAPE}`),
      );
    });

    it("rejects a target that is not an object", () => {
      expect(() => configFrom({ targets: [{ name: "dev" }, "prod"] })).toThrow(
        exactly(`Invalid setting: targets[1] (context "targets") is "prod"; ${TARGETS_SHAPE}`),
      );
    });

    it("rejects duplicate target names", () => {
      expect(() => configFrom({ targets: [{ name: "dev" }, { name: "dev" }] })).toThrow(
        exactly('Invalid setting: targets[1].name (context "targets") is "dev"; target names must be unique'),
      );
    });

    it.each([["Prod"], ["-dev"], ["a".repeat(25)], [undefined]])("rejects the target name %j", (name) => {
      expect(() => configFrom({ targets: [{ name, destinationProfile: "dev" }] })).toThrow(
        exactly(
          `Invalid setting: targets[0].name (context "targets") is ${JSON.stringify(name) ?? "undefined"}; must be 1 to 24 lowercase letters, digits or dashes, starting and ending with a letter or digit`,
        ),
      );
    });

    it("rejects a setting a target may not change, such as the source profile", () => {
      expect(() => configFrom({ targets: [{ name: "dev", sourceProfile: "other" }] })).toThrow(
        /^Invalid setting: targets\[0\] \(context "targets"\) has unknown setting "sourceProfile"; a target may set "name" and "region", "destinationProfile", .*"tags"$/,
      );
    });

    it("names the target and the key of a bad target value", () => {
      expect(() =>
        configFrom({ targets: [{ name: "dev" }, { name: "prod", region: "mars", maxSessionDurationSeconds: 1 }] }),
      ).toThrow(
        exactly(
          [
            "Invalid settings:",
            `  - targets[1].region (context "targets") is "mars"; ${ALLOWED_REGION}`,
            '  - targets[1].maxSessionDurationSeconds (context "targets") is 1; must be a whole number from 3600 to 43200',
          ].join("\n"),
        ),
      );
    });

    it("checks a target's value against the top-level values it inherits", () => {
      expect(() =>
        configFrom({ requireMfa: true, mfaMaxAgeSeconds: 900, targets: [{ name: "dev", requireMfa: false }] }),
      ).toThrow(
        exactly(
          'Invalid setting: targets[0].mfaMaxAgeSeconds (context "mfaMaxAgeSeconds") is 900; it only applies with requireMfa=true; set requireMfa or remove mfaMaxAgeSeconds',
        ),
      );
    });

    it.each([
      ["the same profile", [{ name: "blue" }, { name: "green" }], 'the account of profile "destination"'],
      [
        "the same profile, an account id on the first only",
        [{ name: "blue", destinationAccountId: "222222222222" }, { name: "green" }],
        'the account of profile "destination"',
      ],
      [
        "the same profile, an account id on the second only",
        [{ name: "blue" }, { name: "green", destinationAccountId: "222222222222" }],
        'the account of profile "destination"',
      ],
      [
        "the same account id behind different profiles",
        [
          { name: "blue", destinationProfile: "a", destinationAccountId: "222222222222" },
          { name: "green", destinationProfile: "b", destinationAccountId: "222222222222" },
        ],
        "account 222222222222",
      ],
      [
        "role names that differ only in case",
        [
          { name: "blue", roleName: "Deployer" },
          { name: "green", roleName: "deployer" },
        ],
        'the account of profile "destination"',
      ],
    ])("refuses two targets that create the same IAM names in one account: %s", (_, targets, where) => {
      const [a, b] = targets as { name: string; roleName?: string }[];
      const role = b.roleName ?? "cdktf-assume-role-ec2";
      expect(() => configFrom({ targets })).toThrow(
        exactly(
          `Invalid setting: targets[1] ("${b.name}") and targets[0] ("${a.name}") (context "targets") both create the IAM role "${role}" ` +
            `and policy "${role}-ec2-deployer" in ${where}; IAM names are unique in an account: give one of them another roleName`,
        ),
      );
    });

    it("allows the same role name in different accounts, also through one profile name with different account ids", () => {
      const config = configFrom({
        targets: [
          { name: "blue", destinationAccountId: "222222222222" },
          { name: "green", destinationAccountId: "333333333333" },
          { name: "red", destinationProfile: "red" },
          { name: "pink", destinationProfile: "red", roleName: "other" },
        ],
      });
      expect(config.targets.map((t) => t.name)).toEqual(["blue", "green", "red", "pink"]);
    });

    it("reports top-level problems before looking at the targets", () => {
      expect(() => configFrom({ region: "mars", targets: [{ name: "BAD" }] })).toThrow(
        exactly(`Invalid setting: region (context "region") is "mars"; ${ALLOWED_REGION}`),
      );
    });
  });
});

// Edges of the settings rules that mutation testing (npm run mutate) showed no test pinned down:
// each value here is accepted or refused by one detail of a rule only (an anchor, a bound, a trim).
describe("loadConfig at the edges of its rules", () => {
  /** The message's head for a refused value: the setting, where it came from and the value. */
  const refused = (key: string, value: unknown): RegExp =>
    new RegExp(
      `^Invalid setting: ${key} \\(context "${key}"\\) is ${JSON.stringify(value).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}; `,
    );

  it.each<[string, unknown]>([
    ["region", "xus-east-1"],
    ["region", "us-east-1x"],
    ["roleName", " deployer"],
    ["rolePath", "team/"],
    ["rolePath", "/team"],
    ["destinationAccountId", "1234567890123"],
    ["externalId", "tenant 42"],
    ["principalOrgId", "xo-a1b2c3d4e5"],
    ["principalOrgId", "o-a1b2c3d4e5!"],
    ["instanceType", "my t3.micro"],
    ["instanceType", "t3.micro!"],
    ["stateBucket", "my-state_"],
    ["stateLockTable", "locks table"],
    ["stateDir", "state\0dir"],
    ["rootVolumeSizeGib", true],
    ["amiOwners", [137112412989]],
  ])("refuses %s %j, which only part of it would pass", (key, value) => {
    expect(() => configFrom({ [key]: value })).toThrow(refused(key, value));
  });

  it.each<[string, string]>([
    ["ROOT_VOLUME_SIZE_GIB", "+8"],
    ["ROOT_VOLUME_SIZE_GIB", "8 "],
    ["ROOT_VOLUME_SIZE_GIB", "1e1"],
  ])("refuses %s=%j from the environment: whole numbers are digits only", (env, value) => {
    expect(() => configFrom({}, { [env]: value })).toThrow(
      exactly(
        `Invalid setting: rootVolumeSizeGib (env ${env}) is ${JSON.stringify(value)}; must be a whole number from 1 to 16384`,
      ),
    );
  });

  it("refuses a tag key with a character AWS does not allow, wherever it is", () => {
    expect(() => configFrom({ tags: { "!team": "platform" } })).toThrow(
      exactly(
        'Invalid setting: tags (context "tags") is {"!team":"platform"}; tag key "!team" must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"',
      ),
    );
  });

  it("lists every problem of one tags setting, separated", () => {
    expect(() => configFrom({ tags: { "!a": "x", Name: "y" } })).toThrow(
      exactly(
        'Invalid setting: tags (context "tags") is {"!a":"x","Name":"y"}; tag key "!a" must be 1 to 128 letters, digits, spaces or _.:/=+-@ and not start with "aws:"; tag key "Name" is set by the app (use instanceName for Name)',
      ),
    );
  });

  it("lists every refused item of a list, separated", () => {
    expect(() => configFrom({ amiOwners: ["me", "you"] })).toThrow(
      exactly(
        'Invalid setting: amiOwners (context "amiOwners") is ["me","you"]; "me", "you" not allowed; each must be a 12-digit account id or one of "amazon", "aws-marketplace", "self"',
      ),
    );
  });

  it.each<[string, Context, (c: ReturnType<typeof configFrom>) => unknown, unknown]>([
    ["a GovCloud region", { region: "us-gov-west-1" }, (c) => c.region, "us-gov-west-1"],
    ["an ISO region", { region: "us-iso-east-1" }, (c) => c.region, "us-iso-east-1"],
    ["an ISO-B region", { region: "us-isob-east-1" }, (c) => c.region, "us-isob-east-1"],
    ["a region numbered 10 or more", { region: "ap-southeast-10" }, (c) => c.region, "ap-southeast-10"],
    [
      "an instance type with letters after its first",
      { instanceType: "mac2.metal" },
      (c) => c.instance.type,
      "mac2.metal",
    ],
    ["the smallest root volume", { rootVolumeSizeGib: 1 }, (c) => c.instance.rootVolumeSizeGib, 1],
    [
      "exactly 48 tags",
      { tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`k${i}`, "v"])) },
      (c) => Object.keys(c.tags).length,
      48,
    ],
    [
      "tags whose keys differ only in case (EC2 tag keys are case-sensitive)",
      { tags: { team: "a", Team: "b" } },
      (c) => c.tags,
      { team: "a", Team: "b" },
    ],
    [
      "a one-character target name",
      { targets: [{ name: "a", destinationProfile: "a" }] },
      (c) => c.targets.map((t) => t.name),
      ["a"],
    ],
    [
      "a session of exactly an hour when every trusted principal is a role",
      {
        trustedPrincipalArns: [`arn:aws:iam::${SOURCE_ACCOUNT}:role/ci`],
        maxSessionDurationSeconds: 43200,
        sessionDurationSeconds: 3600,
      },
      (c) => c.role.sessionDurationSeconds,
      3600,
    ],
  ])("accepts %s", (_what, context, read, expected) => {
    expect(read(configFrom(context))).toEqual(expected);
  });

  it("trims the items of a list from the environment", () => {
    expect(configFrom({}, { AMI_OWNERS: " amazon , self " }).instance.amiOwners).toEqual(["amazon", "self"]);
  });

  it("treats an empty environment variable as not set", () => {
    expect(configFrom({ region: "eu-west-1" }, { AWS_REGION: "" }).region).toBe("eu-west-1");
    expect(configFrom({}, { AWS_REGION: "" }).region).toBe(DEFAULTS.region);
  });

  it("treats an empty or null context value as not set", () => {
    expect(configFrom({ region: "" }).region).toBe(DEFAULTS.region);
    expect(configFrom({ region: null }).region).toBe(DEFAULTS.region);
  });

  it("accepts an instance name with digits", () => {
    expect(configFrom({ instanceName: "web-01" }).instance.name).toBe("web-01");
  });

  it("refuses a target that is null with the shape expected", () => {
    expect(() => configFrom({ targets: [null] })).toThrow(
      exactly(
        'Invalid setting: targets[0] (context "targets") is null; must be a list of objects such as [{"name": "prod", "destinationProfile": "prod"}] (environment: JSON)',
      ),
    );
  });

  it("names every unknown setting of a target, separated", () => {
    expect(() => configFrom({ targets: [{ name: "a", colour: "red", size: 1 }] })).toThrow(
      /^Invalid setting: targets\[0\] \(context "targets"\) has unknown setting "colour", "size"; a target may set "name" and /,
    );
  });

  it("reports only the invalid maximum, not the session checked against it", () => {
    expect(() => configFrom({ maxSessionDurationSeconds: 100, sessionDurationSeconds: 7200 })).toThrow(
      exactly(
        'Invalid setting: maxSessionDurationSeconds (context "maxSessionDurationSeconds") is 100; must be a whole number from 3600 to 43200',
      ),
    );
  });
});

describe("a setting's declaration", () => {
  it("shows no default in the docs when it declares none", () => {
    const setting = Setting.declare("EXAMPLE", "must be anything", (raw) => ({ value: raw }));
    expect(setting.defaultDoc).toEqual({ note: "none" });
  });
});

describe("a JSON setting", () => {
  it("keeps an environment value that is not JSON as the string given, for its rule to name", () => {
    const setting = json("EXAMPLE", "must be a JSON list");
    expect(setting.parse("prod")).toEqual({ value: "prod" });
    expect(setting.parse('["prod"]')).toEqual({ value: ["prod"] });
    expect(setting.parse(["prod"])).toEqual({ value: ["prod"] });
  });
});

describe("the reader's check of the settings the assembly does not read", () => {
  const raw = { instanceType: { value: "huge", from: "env INSTANCE_TYPE" } };

  it("parses every setting it is not told to leave, so an invalid one is reported", () => {
    const r = new Reader(raw);
    r.readTheRest([]);
    expect(r.problems).toEqual([expect.stringMatching(/^instanceType \(env INSTANCE_TYPE\) is "huge"; /)]);
  });

  it("leaves the settings it is told are read elsewhere", () => {
    const r = new Reader(raw);
    r.readTheRest(["instanceType"]);
    expect(r.problems).toEqual([]);
  });
});
