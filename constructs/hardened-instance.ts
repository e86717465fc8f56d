import { Construct } from "constructs";
import { DataResource, Fn, TerraformProvider, Token } from "cdktf";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { DataAwsSsmParameter } from "@cdktf/provider-aws/lib/data-aws-ssm-parameter";
import { DataAwsSubnet } from "@cdktf/provider-aws/lib/data-aws-subnet";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { EC2_INSTANCE_TYPE } from "./shared/aws-names";

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
  /**
   * The AMI, by id: no lookup, and `amiOwners` and `amiNameFilter` are not used.
   * @default - the newest AMI of `amiOwners` that matches `amiNameFilter`
   */
  readonly amiId?: string;
  /**
   * An SSM parameter that holds the AMI id (e.g. one of the public `/aws/service/...` parameters
   * in which AWS and Canonical publish their current images), instead of the name lookup.
   * @default - the name lookup
   */
  readonly amiSsmParameter?: string;
  /**
   * Whether a newer image that the lookup (name filter or SSM parameter) finds replaces the
   * running instance on the next deploy. Without it, the instance keeps the image it was launched
   * from until it is replaced for another reason; an explicit `amiId` always replaces when it
   * changes.
   * @default false
   */
  readonly replaceOnNewAmi?: boolean;
  /**
   * Security groups of the instance.
   * @default - the default security group of the subnet's VPC
   */
  readonly securityGroupIds?: readonly string[];
  /**
   * Region and account the instance runs in, for the message of a failed default-subnet lookup.
   * @default - the message names neither
   */
  readonly placementContext?: { readonly region: string; readonly accountId: string };
  /**
   * The region the provider acts in, kept in the state at the first launch: a plan in any other
   * region (e.g. another `AWS_REGION`) then fails, naming both, instead of launching a second
   * instance there and leaving the first one running unmanaged.
   * @default - the region is not checked
   */
  readonly pinRegion?: string;
  /** Value of the `Name` tag. */
  readonly name: string;
  /**
   * Subnet of the instance.
   * @default - the first (by id) default subnet of the region's default VPC in an availability
   * zone that offers the instance type, chosen at the first launch and kept in the state: a later
   * plan fails, naming the zone and the type, when that zone does not offer the instance type
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
 * An EC2 instance from the newest matching AMI (or a given one), hardened by default: IMDSv2 only, an encrypted
 * root volume, and no public IP address unless asked for.
 */
export class HardenedInstance extends Construct {
  /** The instance: the escape hatch for what these props do not cover. */
  public readonly resource: Instance;
  /** The AMI lookup by name, when neither `amiId` nor `amiSsmParameter` is given. */
  public readonly ami?: DataAwsAmi;
  /** The AMI's id, as the instance gets it. */
  public readonly amiId: string;
  /** The availability zones of the region that offer the instance type, without `subnetId`. */
  public readonly offerings?: DataAwsEc2InstanceTypeOfferings;
  /** The subnet the instance runs in. */
  public readonly subnetId: string;
  /** The region kept in the state at the first launch, with `pinRegion`. */
  public readonly regionPin?: DataResource;
  /** The default subnet kept in the state at the first launch, without `subnetId`. */
  public readonly subnetPin?: DataResource;

  constructor(scope: Construct, id: string, props: HardenedInstanceProps) {
    super(scope, id);
    if (!Token.isUnresolved(props.instanceType) && !EC2_INSTANCE_TYPE.test(props.instanceType)) {
      throw new Error(`instanceType "${props.instanceType}" must be an EC2 instance type such as "t2.micro"`);
    }
    if (props.amiId !== undefined && props.amiSsmParameter !== undefined) {
      throw new Error("amiId and amiSsmParameter are both given: the image comes from one of them");
    }
    if (props.amiId === undefined && props.amiSsmParameter === undefined && props.amiOwners.length === 0) {
      throw new Error("amiOwners is empty: name at least one AMI owner, e.g. Canonical's 099720109477");
    }
    if (props.amiId !== undefined) {
      this.amiId = props.amiId;
    } else if (props.amiSsmParameter !== undefined) {
      // insecure_value: an AMI id is no secret, and `value` would hide it in every plan.
      this.amiId = new DataAwsSsmParameter(this, "AmiParameter", {
        provider: props.provider,
        name: props.amiSsmParameter,
      }).insecureValue;
    } else {
      this.ami = new DataAwsAmi(this, "Ami", {
        provider: props.provider,
        mostRecent: true,
        owners: [...props.amiOwners],
        filter: [
          { name: "name", values: [props.amiNameFilter] },
          { name: "virtualization-type", values: ["hvm"] },
        ],
      });
      this.amiId = this.ami.id;
    }
    this.regionPin = props.pinRegion !== undefined ? pinRegion(this, props.pinRegion) : undefined;
    const regionCheck =
      this.regionPin && props.pinRegion !== undefined
        ? regionCheckOf(
            this.regionPin.getStringAttribute("input.region"),
            `${this.regionPin.fqn}.input.region`,
            props.pinRegion,
          )
        : undefined;
    if (props.subnetId !== undefined) {
      this.subnetId = props.subnetId;
    } else {
      this.offerings = offeringsOf(this, props);
      // Chosen once: the choice depends on the type and on the subnets of the moment, and a
      // changed subnet_id replaces the instance (and its disk) instead of stopping and resizing it.
      this.subnetPin = new DataResource(this, "SubnetPin", {
        input: { subnet_id: defaultSubnet(this, props, this.offerings) },
        lifecycle: { ignoreChanges: ["input"] },
      });
      this.subnetId = pinnedSubnet(this, props, this.subnetPin, this.offerings, regionCheck).id;
    }
    // A lookup may find a newer image on any plan; `ami` forces replacement, so without this a
    // newly published image would replace the running instance on the next deploy.
    const keepImage = props.amiId === undefined && !(props.replaceOnNewAmi ?? false);
    this.resource = new Instance(this, "Instance", {
      provider: props.provider,
      ami: this.amiId,
      // With an explicit subnet the provider sends associate_public_ip_address to EC2; without
      // one it leaves the choice to the default subnet, which assigns a public IP.
      subnetId: this.subnetId,
      vpcSecurityGroupIds:
        props.securityGroupIds !== undefined && props.securityGroupIds.length > 0
          ? [...props.securityGroupIds]
          : undefined,
      instanceType: props.instanceType,
      associatePublicIpAddress: props.associatePublicIpAddress ?? false,
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: props.rootVolumeSizeGib ?? 8 },
      tags: { ...(props.tags ?? {}), Name: props.name },
      lifecycle: keepImage ? { ignoreChanges: ["ami"] } : undefined,
    });
  }
}

/**
 * Keeps the region of the first launch in the state. The state's location does not name the
 * region, so without it a run in another region finds no instance, plans a new one, and leaves
 * the first one running. The check fails the whole plan, so nothing is launched, stopped or
 * forgotten (only an apply writes the state); it is the pin's own postcondition, since the pin
 * is the one object that is there whatever the settings.
 */
function pinRegion(scope: Construct, region: string): DataResource {
  return new DataResource(scope, "RegionPin", {
    input: { region },
    lifecycle: {
      ignoreChanges: ["input"],
      postcondition: [regionCheckOf("${self.input.region}", "self.input.region", region)],
    },
  });
}

/** A condition of the plan, with the message when it fails. */
interface RegionCheck {
  readonly condition: string;
  readonly errorMessage: string;
}

/** That the region the instance was launched in (`launched`, as an expression too) is `region`. */
function regionCheckOf(launched: string, expression: string, region: string): RegionCheck {
  return {
    condition: `\${${expression} == "${region}"}`,
    errorMessage:
      `The instance was launched in region ${launched}, and this run acts in ${region} (the region setting, ` +
      `or AWS_REGION, which wins over it). A stack never moves region silently: a launch in ${region} would ` +
      `leave the running instance behind in ${launched}. To keep it, set the region setting (and AWS_REGION, ` +
      `if it is set) to ${launched}. To move it on purpose, destroy the stack with the region it was launched ` +
      `in, then deploy with ${region}.`,
  };
}

/** " in account <id> region <name>", for the messages of the placement lookups. */
function where(props: HardenedInstanceProps): string {
  const context = props.placementContext;
  return context ? ` in account ${context.accountId} region ${context.region}` : "";
}

/**
 * The zones of the region that offer the instance type. Not every zone offers every type (and
 * regions opened since 2019 offer no `t2`); none at all fails the plan with what to set.
 */
function offeringsOf(scope: Construct, props: HardenedInstanceProps): DataAwsEc2InstanceTypeOfferings {
  return new DataAwsEc2InstanceTypeOfferings(scope, "TypeOfferings", {
    provider: props.provider,
    locationType: "availability-zone",
    filter: [{ name: "instance-type", values: [props.instanceType] }],
    lifecycle: {
      postcondition: [
        {
          condition: "${length(self.locations) > 0}",
          errorMessage: `No availability zone${where(props)} offers the instance type ${props.instanceType}: set the instanceType setting to a type the region offers.`,
        },
      ],
    },
  });
}

/** The first (by id) default subnet in a zone that offers the type; none fails the plan with what to set. */
function defaultSubnet(
  scope: Construct,
  props: HardenedInstanceProps,
  offerings: DataAwsEc2InstanceTypeOfferings,
): string {
  const defaults = new DataAwsSubnets(scope, "DefaultSubnets", {
    provider: props.provider,
    filter: [
      { name: "default-for-az", values: ["true"] },
      { name: "availability-zone", values: offerings.locations },
    ],
    lifecycle: {
      postcondition: [
        {
          condition: "${length(self.ids) > 0}",
          errorMessage:
            `There is no default subnet${where(props)} in an availability zone that offers ${props.instanceType}: ` +
            "the account has no default VPC (landing zones delete it), or its default subnets are elsewhere. " +
            "Set the subnetId setting to a subnet of your VPC.",
        },
      ],
    },
  });
  // Sorted, so that the choice is the same on every plan.
  return Fn.element(Fn.sort(defaults.ids), 0);
}

/**
 * The pinned subnet, read back: its zone must offer the instance type, else the plan fails before
 * anything is stopped. The region check comes first: another region does not have the subnet.
 */
function pinnedSubnet(
  scope: Construct,
  props: HardenedInstanceProps,
  pin: DataResource,
  offerings: DataAwsEc2InstanceTypeOfferings,
  regionCheck: RegionCheck | undefined,
): DataAwsSubnet {
  const type = props.instanceType;
  return new DataAwsSubnet(scope, "PinnedSubnet", {
    provider: props.provider,
    id: pin.getStringAttribute("input.subnet_id"),
    lifecycle: {
      precondition: regionCheck ? [regionCheck] : undefined,
      postcondition: [
        {
          condition: `\${contains(${offerings.fqn}.locations, self.availability_zone)}`,
          errorMessage:
            "The instance runs in subnet ${self.id} in availability zone ${self.availability_zone} " +
            `(\${self.availability_zone_id}), which does not offer the instance type ${type}. The instance keeps ` +
            "the subnet it was launched in, so that a change of type stops, modifies and starts it instead of " +
            "replacing it: set the instanceType setting to a type that zone offers, or set the subnetId setting " +
            `to a subnet in a zone that offers ${type} (which replaces the instance, and its disk).`,
        },
      ],
    },
  });
}
