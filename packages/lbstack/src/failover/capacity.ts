/**
 * Scale-out of the surviving group during a failover, as pure plans over the live
 * auto-scaling group. The handler does the API calls.
 *
 * The policy, kept deliberately simple:
 * - On failover the survivor's desired capacity is raised once to
 *   `min(failed group's configured desiredCapacity, survivor's configured maxSize, survivor's live MaxSize)`,
 *   and only if it is below that. Its desired capacity before the raise is recorded in the state.
 * - The raise is never repeated: if a scaling policy or an operator scales the survivor in
 *   afterwards, lbstack does not fight it.
 * - On failback the survivor is lowered back to the recorded original (within its live
 *   MinSize/MaxSize), and only if it is still above it; if something already scaled it in
 *   further, it is left alone.
 * - While a pin is set no capacity change is made.
 */
import { FailoverAutoScalingGroup, GroupRole, otherGroup } from "./controller-config";
import { CapacityRecord } from "./decide";

/** The live figures of one auto-scaling group (from DescribeAutoScalingGroups). */
export interface LiveAsg {
    desired: number;
    min: number;
    max: number;
}

export interface RaisePlan {
    /** The record to store before calling SetDesiredCapacity (so a crash cannot lose the original). */
    record: CapacityRecord;
    /** The desired capacity to set, or null when no raise is needed. */
    setDesired: number | null;
}

/** Plans the survivor's raise for a not yet applied record. */
export function planRaise(
    record: CapacityRecord,
    config: { autoScalingGroups: Record<GroupRole, Pick<FailoverAutoScalingGroup, "desiredCapacity" | "maxSize">> },
    live: LiveAsg,
): RaisePlan {
    const survivor = config.autoScalingGroups[record.group];
    const failed = config.autoScalingGroups[otherGroup(record.group)];
    const target = Math.min(failed.desiredCapacity, survivor.maxSize, live.max);
    if (live.desired >= target) {
        // Nothing to raise; keep an original inherited from an unfinished restore.
        return { record: { ...record, applied: true }, setDesired: null };
    }
    return {
        record: { group: record.group, originalDesired: record.originalDesired ?? live.desired, raisedTo: target, applied: false },
        setDesired: target,
    };
}

/** The desired capacity to put back after a failback, or null when there is nothing to do. */
export function planRestore(record: CapacityRecord, live: LiveAsg): number | null {
    if (record.originalDesired === null) return null;
    const to = Math.min(Math.max(record.originalDesired, live.min), live.max);
    return live.desired > to ? to : null;
}
