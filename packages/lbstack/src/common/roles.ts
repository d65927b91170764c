/** The two application groups, in the order lbstack builds, lists and reports them. */
export const GROUP_ROLES = ["primary", "backup"] as const;
/** One of the two application groups. */
export type GroupRole = (typeof GROUP_ROLES)[number];
