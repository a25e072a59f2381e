export { provisionCluster } from "./provision-cluster.ts";
