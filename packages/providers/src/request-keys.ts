import type { ClusterId, OrderId, ResourceKind } from "@platforma/contracts";

/*
 * Provider request keys: an allocation is keyed by what took it, and every release finds it by the
 * same key, so provisioning, compensation, deletion, archive and purge must build them identically.
 * This module is the only place they are built or read.
 */

/** A shared cluster's capacity, keyed by the order that provisioned it. */
export const sharedClusterKey = (provisionOrderId: OrderId) => `${provisionOrderId}.compute`;

/** An instance's or storage pool's allocation: one per resource. */
export const resourceKey = (kind: ResourceKind, resourceId: string) => `${kind}.${resourceId}`;

/** The resource id inside a resource key (`<kind>.<id>`). */
export const resourceIdOfKey = (kind: ResourceKind, requestKey: string) => requestKey.slice(kind.length + 1);

/** A dedicated cluster's steps, keyed by the cluster so deprovisioning finds what provisioning took. */
export const dedicatedKeys = (clusterId: ClusterId | string) => ({
  nodes: `${clusterId}.nodes`,
  vlan: `${clusterId}.vlan`,
  firewall: `${clusterId}.firewall`,
  storage: `${clusterId}.storage`,
  registration: `${clusterId}.registration`,
});
