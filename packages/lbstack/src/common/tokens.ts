/**
 * Component type tokens, kept in one place. `lbstack:index:<Class>` is the form Pulumi needs to
 * serve these components to Python, Go and .NET programs later; renaming one breaks every
 * existing stack unless the old token is kept as an alias.
 */
export const TYPE_TOKENS = {
    LoadBalancedStack: "lbstack:index:LoadBalancedStack",
    Network: "lbstack:index:Network",
    LoadBalancer: "lbstack:index:LoadBalancer",
    AppGroup: "lbstack:index:AppGroup",
    FailoverController: "lbstack:index:FailoverController",
    Monitoring: "lbstack:index:Monitoring",
} as const;
