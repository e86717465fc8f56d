/**
 * The tag that marks every resource the app creates. The least-privilege policy lets the role
 * change and terminate only instances that carry it, so both stacks read it from here: a value
 * written twice would break terminate on AWS only.
 */

/** Key of the tag on every resource the app creates. */
export const MANAGED_BY_KEY = "ManagedBy";

/** Value of the `ManagedBy` tag on every resource the app creates. */
export const MANAGED_BY = "cdktf-assume-role";

/** The tag as a map, to merge into a resource's tags. */
export const MANAGED_BY_TAG: Readonly<Record<string, string>> = { [MANAGED_BY_KEY]: MANAGED_BY };
