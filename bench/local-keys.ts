/**
 * The key pair the benchmark configures explicitly for the WorkDocs Local it starts (a throwaway
 * data dir); the driver signs with it. WorkDocs Local has no fixed default pair.
 */
export const BENCH_KEYS = {
  accessKeyId: 'AKIABENCHMARK0000000',
  secretAccessKey: 'benchmark-only-secret-throwaway-data-dir',
};
