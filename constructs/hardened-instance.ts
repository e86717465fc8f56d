import { Construct } from "constructs";
import { Token } from "cdktf";
import { TerraformProvider } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { Instance } from "@cdktf/provider-aws/lib/instance";

/** Properties of a {@link HardenedInstance}. */
export interface HardenedInstanceProps {
  /** Provider of the account the instance runs in. */
  readonly provider: TerraformProvider;
  /** EC2 instance type, e.g. `t2.micro`. */
  readonly instanceType: string;
  /** Owners of the AMI: account ids or `amazon`, `aws-marketplace`, `self`. */
  readonly amiOwners: readonly string[];
  /** Name filter of the AMI; the newest match is used. */
  readonly amiNameFilter: string;
  /** Value of the `Name` tag. */
  readonly name: string;
  /**
   * Whether the instance gets a public IP address.
   * @default false
   */
  readonly associatePublicIpAddress?: boolean;
  /**
   * Further tags.
   * @default - only `Name`
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An EC2 instance from the newest matching AMI, hardened by default: IMDSv2 only, an encrypted
 * root volume, and no public IP address unless asked for.
 */
export class HardenedInstance extends Construct {
  /** The instance: the escape hatch for what these props do not cover. */
  public readonly resource: Instance;
  /** The AMI lookup. */
  public readonly ami: DataAwsAmi;

  constructor(scope: Construct, id: string, props: HardenedInstanceProps) {
    super(scope, id);
    if (
      !Token.isUnresolved(props.instanceType) &&
      !/^[a-z][a-z0-9-]*\d[a-z0-9-]*\.[a-z0-9]+$/.test(props.instanceType)
    ) {
      throw new Error(`instanceType "${props.instanceType}" must be an EC2 instance type such as "t2.micro"`);
    }
    if (props.amiOwners.length === 0) {
      throw new Error("amiOwners is empty: name at least one AMI owner, e.g. Canonical's 099720109477");
    }
    this.ami = new DataAwsAmi(this, "Ami", {
      provider: props.provider,
      mostRecent: true,
      owners: [...props.amiOwners],
      filter: [
        { name: "name", values: [props.amiNameFilter] },
        { name: "virtualization-type", values: ["hvm"] },
      ],
    });
    this.resource = new Instance(this, "Instance", {
      provider: props.provider,
      ami: this.ami.id,
      instanceType: props.instanceType,
      associatePublicIpAddress: props.associatePublicIpAddress ?? false,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: { encrypted: true },
      tags: { ...(props.tags ?? {}), Name: props.name },
    });
  }
}
