/** Where the instance's image comes from: settings that name the image in different ways exclude each other. */
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
  return { amiOwners, amiNameFilter, amiId, amiSsmParameter, replaceOnNewAmi };
}
