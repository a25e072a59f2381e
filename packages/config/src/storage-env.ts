import { z } from "zod";

/** The object-store settings every process that writes tenant objects reads (worker, audit). */
export const storageEnvFields = {
  /** `filesystem` under STORAGE_DIR, or `s3`. */
  STORAGE_DRIVER: z.enum(["filesystem", "s3"]).default("filesystem"),
  STORAGE_DIR: z.string().min(1).default(".local/data/objects"),
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default("us-east-1"),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
};

export interface StorageEnv {
  STORAGE_DRIVER: "filesystem" | "s3";
  STORAGE_DIR: string;
  S3_ENDPOINT?: string | undefined;
  S3_REGION: string;
  S3_BUCKET?: string | undefined;
  S3_ACCESS_KEY_ID?: string | undefined;
  S3_SECRET_ACCESS_KEY?: string | undefined;
}

/** Refinement for a schema that spreads `storageEnvFields`: the S3 driver needs a bucket. */
export const storageEnvIsComplete: [
  (e: Pick<StorageEnv, "STORAGE_DRIVER" | "S3_BUCKET">) => boolean,
  { message: string; path: string[] },
] = [
  (e) => e.STORAGE_DRIVER !== "s3" || Boolean(e.S3_BUCKET),
  { message: "STORAGE_DRIVER=s3 needs S3_BUCKET", path: ["S3_BUCKET"] },
];

/** The object store the environment selects, in the shape `createObjectStore` takes. */
export function objectStoreConfig(env: StorageEnv) {
  if (env.STORAGE_DRIVER === "filesystem") return { driver: "filesystem" as const, dir: env.STORAGE_DIR };
  return {
    driver: "s3" as const,
    endpoint: env.S3_ENDPOINT,
    region: env.S3_REGION,
    bucket: env.S3_BUCKET ?? "",
    accessKeyId: env.S3_ACCESS_KEY_ID,
    secretAccessKey: env.S3_SECRET_ACCESS_KEY,
  };
}
