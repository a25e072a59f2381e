export { provisionCluster } from "./provision-cluster.ts";
export { provisionResource, deprovisionResource } from "./resource-orders.ts";
export { reconcileQuotas } from "./reconcile-quotas.ts";
export { provisionDedicatedCluster } from "./provision-dedicated-cluster.ts";
export { deprovisionCluster } from "./deprovision-cluster.ts";
export { applyFirewallRules } from "./apply-firewall-rules.ts";
export { tenantLifecycle } from "./tenant-lifecycle.ts";
