/** Where the instance's image comes from: settings that name the image in different ways exclude each other. */
import {
  CANONICAL_ACCOUNT_BY_PARTITION,
  isArm64InstanceType,
  partitionOfRegion,
} from "../../constructs/shared/aws-names";
import { Reader } from "../reader";
import { InstanceSettings } from "../types";

/** The settings of the instance's image. */
export type ImageSettings = Pick<
  InstanceSettings,
  "amiOwners" | "amiNameFilter" | "amiId" | "amiSsmParameter" | "replaceOnNewAmi"
>;

/** Reads the image settings: an explicit `amiId`, an SSM parameter, or the owner and name lookup. */
export function readImage(r: Reader): ImageSettings {
  const amiOwners = r.get("amiOwners");
  const amiNameFilter = r.get("amiNameFilter");
  const amiId = r.given("amiId");
  const amiSsmParameter = r.given("amiSsmParameter");
  const replaceOnNewAmi = r.get("replaceOnNewAmi");
  if (r.has("amiId") && r.has("amiSsmParameter")) {
    r.fail("amiSsmParameter", "amiId is set too; set one of amiId, amiSsmParameter or the amiNameFilter lookup");
  } else if (r.has("amiId")) {
    for (const key of ["amiNameFilter", "amiOwners"] as const) {
      if (r.has(key)) r.fail(key, "it applies to the image lookup, and amiId names the image; remove one of them");
    }
    if (replaceOnNewAmi) {
      r.fail(
        "replaceOnNewAmi",
        "it applies to an image lookup; with amiId a changed amiId always replaces the instance",
      );
    }
  } else if (r.has("amiSsmParameter") && r.has("amiNameFilter")) {
    r.fail("amiNameFilter", "amiSsmParameter is set too: the parameter names the image; remove one of them");
  }
  return {
    // With amiId no owner applies; the SSM parameter's image is launched from its owner too.
    amiOwners: !r.has("amiId") && !r.has("amiOwners") ? canonicalOwnerOf(r, amiOwners) : amiOwners,
    amiNameFilter: imageForProcessor(r, amiNameFilter),
    amiId,
    amiSsmParameter,
    replaceOnNewAmi,
  };
}

/** x86 images, by the word their names and parameters use for the architecture. */
const X86_IMAGE = /(?:^|[^a-z0-9])(amd64|x86_64)(?![a-z0-9])/i;

/**
 * The default owner follows the region's partition: Canonical publishes from an account of its
 * own in each, and an account id of one partition finds nothing in another. In the isolated
 * partitions, where no Canonical account is known, the default stays (docs/images.md: set
 * amiOwners there).
 */
function canonicalOwnerOf(r: Reader, owners: readonly string[]): readonly string[] {
  const canonical = CANONICAL_ACCOUNT_BY_PARTITION[partitionOfRegion(r.get("region"))];
  return canonical === undefined ? owners : [canonical];
}

/**
 * An arm64 (Graviton) type runs arm64 images only: the default lookup takes Canonical's arm64
 * build; a filter or parameter that names x86 images would fail at launch, so it fails here.
 */
function imageForProcessor(r: Reader, amiNameFilter: string): string {
  const instanceType = r.get("instanceType");
  if (!isArm64InstanceType(instanceType)) return amiNameFilter;
  for (const key of ["amiNameFilter", "amiSsmParameter"] as const) {
    const x86 = X86_IMAGE.exec(r.given(key) ?? "");
    if (x86) {
      const what = key === "amiNameFilter" ? "a pattern of arm64 images" : "a parameter of arm64 images";
      r.fail(
        key,
        `it names x86 images (${x86[1]}), and instanceType "${instanceType}" is an arm64 (Graviton) type, ` +
          `which cannot run them: set ${key} to ${what}, or instanceType to an x86 type`,
      );
    }
  }
  const defaultLookup = !r.has("amiNameFilter") && !r.has("amiSsmParameter") && !r.has("amiId");
  return defaultLookup ? amiNameFilter.replace("-amd64-", "-arm64-") : amiNameFilter;
}
