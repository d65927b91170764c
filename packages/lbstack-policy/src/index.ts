/**
 * lbstack-policy: Pulumi policies for load-balanced AWS stacks, and a helper to run them in unit tests.
 * This module only exports; the policy pack itself is `dist/pack.js` (see PulumiPolicy.yaml).
 */
export * from "./policies";
export * from "./testing";
