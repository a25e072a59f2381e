import type { ClusterId, InstanceId, NetworkId, OrderId, StoragePoolId, TenantId } from "./ids.ts";

/** The one task queue the worker polls; workflows and activities share it. */
export const TASK_QUEUE = "platforma";

/**
 * Task-queue priority and fairness of a tenant's workflows (their activities inherit it). Priority
 * keys run lowest first (Temporal's default is 3): operator work on a tenant — suspension, archive,
 * purge — goes ahead of any order backlog. Within a priority, the fairness key is the tenant, so
 * dispatch round-robins across tenants and one tenant's burst queues behind its own tasks only.
 * Weights per tenant are a task-queue setting (`temporal task-queue config set --fairness-key-weight`).
 */
export const TASK_PRIORITY = {
  lifecycle: 1,
  order: 3,
} as const;

export function tenantPriority(tenantId: TenantId, work: keyof typeof TASK_PRIORITY) {
  return { priorityKey: TASK_PRIORITY[work], fairnessKey: tenantId };
}

/** Search attributes registered on the Temporal namespace (keyword type). */
export const SEARCH_ATTRIBUTES = {
  tenantId: "TenantId",
  orderId: "OrderId",
  orderState: "OrderState",
} as const;

/** Workflow ids derive from business ids, so starting twice finds the same execution. */
export const workflowIds = {
  order: (orderId: OrderId) => `order/${orderId}`,
  tenant: (tenantId: TenantId) => `tenant/${tenantId}`,
};

/** Workflow names, as exported by the workflows bundle; the worker asserts each one exists. */
export const WORKFLOW_NAMES = {
  provisionCluster: "provisionCluster",
  provisionResource: "provisionResource",
  deprovisionResource: "deprovisionResource",
  reconcileQuotas: "reconcileQuotas",
  provisionDedicatedCluster: "provisionDedicatedCluster",
  deprovisionCluster: "deprovisionCluster",
  applyFirewallRules: "applyFirewallRules",
  tenantLifecycle: "tenantLifecycle",
} as const;
export type WorkflowName = (typeof WORKFLOW_NAMES)[keyof typeof WORKFLOW_NAMES];

export interface ProvisionClusterInput {
  tenantId: TenantId;
  orderId: OrderId;
  clusterId: ClusterId;
  region: string;
}

export interface ProvisionClusterResult {
  /** `compensated`: a saga undid what it had done (the order's state says the same). */
  state: "completed" | "failed" | "compensated";
  reason?: string;
}

/** Resources inside a cluster that are provisioned and deprovisioned through orders. */
export type ResourceKind = "instance" | "storagePool";

export interface ResourceOrderInput {
  tenantId: TenantId;
  orderId: OrderId;
  kind: ResourceKind;
  resourceId: InstanceId | StoragePoolId;
  clusterId: ClusterId;
}

export interface ResourceOrderResult {
  state: "completed" | "failed";
  reason?: string;
}

/** The schedule that recounts every tenant's usage and repairs drift. */
export const QUOTA_RECONCILE_SCHEDULE_ID = "quota-reconciler";

/** One firewall rule of a dedicated network; the same shape in the API, the database and the driver. */
export interface FirewallRule {
  direction: "ingress" | "egress";
  protocol: "tcp" | "udp" | "icmp" | "any";
  ports?: { from: number; to: number };
  cidr: string;
  action: "allow" | "deny";
  description?: string;
}

/** What a dedicated cluster is made of: whole nodes, its own network, its own storage. */
export interface DedicatedSpec {
  nodes: number;
  network: { cidr: string; firewallRules: FirewallRule[] };
  storage: { backend: "ceph" | "nvme"; sizeTb: number };
}

/** A dedicated cluster order's workflow input. */
export interface DedicatedClusterInput extends DedicatedSpec {
  tenantId: TenantId;
  orderId: OrderId;
  clusterId: ClusterId;
  region: string;
}

/** The steps of a dedicated cluster's saga, in order; compensation runs them backwards. */
export const DEDICATED_STEPS = ["compute", "network", "storage", "register"] as const;
export type DedicatedStep = (typeof DEDICATED_STEPS)[number];

export interface DeprovisionClusterInput {
  tenantId: TenantId;
  orderId: OrderId;
  clusterId: ClusterId;
  region: string;
  placement: "shared" | "dedicated";
  /** The order that provisioned the cluster (shared clusters' capacity is keyed by it). */
  provisionOrderId: OrderId;
  storageBackend: "ceph" | "nvme" | null;
}

export interface ApplyFirewallRulesInput {
  tenantId: TenantId;
  orderId: OrderId;
  networkId: NetworkId;
  clusterId: ClusterId;
  region: string;
  version: number;
}

/** Workflows started for an order, and their inputs: one execution per order (`order/<id>`). */
export interface OrderWorkflowInputs {
  provisionCluster: ProvisionClusterInput;
  provisionResource: ResourceOrderInput;
  deprovisionResource: ResourceOrderInput;
  provisionDedicatedCluster: DedicatedClusterInput;
  deprovisionCluster: DeprovisionClusterInput;
  applyFirewallRules: ApplyFirewallRulesInput;
}
export type OrderWorkflowName = keyof OrderWorkflowInputs;
/** Messages of the tenant lifecycle workflow (`tenant/<ten_id>`), by name. */
export const TENANT_LIFECYCLE_MESSAGES = {
  /** Update: runs one transition (`LifecycleCommand`); its validator refuses invalid ones. */
  transition: "transition",
  /** Query: the `LifecycleStatus`, including the transition in progress. */
  status: "status",
} as const;
