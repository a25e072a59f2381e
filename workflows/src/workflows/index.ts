export { provisionCluster } from "./provision-cluster.ts";
export { provisionResource, deprovisionResource } from "./resource-orders.ts";
export { reconcileQuotas } from "./reconcile-quotas.ts";
export { tenantLifecycle } from "./tenant-lifecycle.ts";
