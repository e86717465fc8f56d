import { Construct } from "constructs";
import { Fn, TerraformProvider, Token } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
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
   * Subnet of the instance.
   * @default - the first (by id) default subnet of the region's default VPC
   */
  readonly subnetId?: string;
  /**
   * Whether the instance gets a public IP address.
   * @default false
   */
  readonly associatePublicIpAddress?: boolean;
  /**
   * Size of the encrypted root volume in GiB; at least the AMI's snapshot size.
   * @default 8
   */
  readonly rootVolumeSizeGib?: number;
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
  /** The subnet the instance runs in. */
  public readonly subnetId: string;

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
    if (props.subnetId !== undefined) {
      this.subnetId = props.subnetId;
    } else {
      const defaults = new DataAwsSubnets(this, "DefaultSubnets", {
        provider: props.provider,
        filter: [{ name: "default-for-az", values: ["true"] }],
        lifecycle: {
          postcondition: [
            {
              condition: "${length(self.ids) > 0}",
              errorMessage: "The region has no default VPC with a default subnet: set the subnetId setting.",
            },
          ],
        },
      });
      // Sorted, so that the choice is the same on every plan.
      this.subnetId = Fn.element(Fn.sort(defaults.ids), 0);
    }
    this.resource = new Instance(this, "Instance", {
      provider: props.provider,
      ami: this.ami.id,
      // With an explicit subnet the provider sends associate_public_ip_address to EC2; without
      // one it leaves the choice to the default subnet, which assigns a public IP.
      subnetId: this.subnetId,
      instanceType: props.instanceType,
      associatePublicIpAddress: props.associatePublicIpAddress ?? false,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: props.rootVolumeSizeGib ?? 8 },
      tags: { ...(props.tags ?? {}), Name: props.name },
    });
  }
}
