/** The seven per-tenant quotas and the product's defaults. */
export const DEFAULT_QUOTAS = {
  max_clusters: 10,
  max_instances: 500,
  max_cpu_cores: 2000,
  max_memory_gb: 8000,
  max_storage_tb: 100,
  max_api_keys: 50,
  max_users: 200,
} as const;

export type QuotaName = keyof typeof DEFAULT_QUOTAS;
export const QUOTA_NAMES = Object.keys(DEFAULT_QUOTAS) as QuotaName[];
export type QuotaLimits = Record<QuotaName, number>;
/** A would-be admission: how much of each quota it takes. */
export type QuotaRequest = Partial<Record<QuotaName, number>>;
