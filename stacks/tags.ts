/** Value of the `ManagedBy` tag on every resource the app creates. */
export const MANAGED_BY = "cdktf-assume-role";
