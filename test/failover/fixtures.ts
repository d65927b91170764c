/** A valid controller config shared by the failover tests. */
import { FailoverControllerConfig } from "../../packages/lbstack/src/failover/controller-config";

export const ACCOUNT = "arn:aws:elasticloadbalancing:eu-west-1:123456789012";
export const validConfig: FailoverControllerConfig = {
    listenerArn: `${ACCOUNT}:listener/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2`,
    targetGroupArns: {
        primary: `${ACCOUNT}:targetgroup/web-primary/73e2d6bc24d8a067`,
        backup: `${ACCOUNT}:targetgroup/web-backup/83e2d6bc24d8a067`,
    },
    weights: { primary: 90, backup: 10 },
    minHealthy: { primary: { count: 2 }, backup: { percent: 50 } },
    settleSeconds: 120,
    pollSeconds: 5,
    routes: [{ ruleArn: `${ACCOUNT}:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee`, target: "primary" }],
    autoScalingGroups: {
        primary: { name: "web-primary", desiredCapacity: 4, maxSize: 8 },
        backup: { name: "web-backup", desiredCapacity: 1, maxSize: 4 },
    },
    stateParameterName: "/lbstack/web/failover-state",
};

