import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { AccessKey, destroyClients, emulatorClients } from "./aws-clients";

/** moto's default account: keys it does not know belong here. */
export const EMULATOR_DEFAULT_ACCOUNT = "123456789012";

/** Options of {@link createUserWithKey}. */
export interface CreateUserOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly accountId: string;
  readonly userName: string;
  /** Managed policies to attach (only matter when the emulator enforces IAM). @default none */
  readonly policyArns?: readonly string[];
  /** Inline policy documents (JSON) by policy name (only matter when the emulator enforces IAM). @default none */
  readonly inlinePolicies?: Readonly<Record<string, string>>;
  /** Signs the requests with this key instead of placing them by account header. */
  readonly signWith?: AccessKey;
}

/** Creates an IAM user with an access key in an emulated account; the key belongs to that account. */
export async function createUserWithKey(options: CreateUserOptions): Promise<AccessKey> {
  const identity = options.signWith ? { key: options.signWith } : { accountId: options.accountId };
  const clients = emulatorClients(options.endpoint, options.region, identity);
  try {
    await clients.iam.send(new CreateUserCommand({ UserName: options.userName }));
    for (const policyArn of options.policyArns ?? []) {
      await clients.iam.send(new AttachUserPolicyCommand({ UserName: options.userName, PolicyArn: policyArn }));
    }
    for (const [policyName, document] of Object.entries(options.inlinePolicies ?? {})) {
      await clients.iam.send(
        new PutUserPolicyCommand({ UserName: options.userName, PolicyName: policyName, PolicyDocument: document }),
      );
    }
    const { AccessKey: key } = await clients.iam.send(new CreateAccessKeyCommand({ UserName: options.userName }));
    return { accessKeyId: key!.AccessKeyId!, secretAccessKey: key!.SecretAccessKey! };
  } finally {
    destroyClients(clients);
  }
}
