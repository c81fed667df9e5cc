import type { CliManifest } from './build-cli.ts';

export declare const MANIFEST_VERSION: number;

/** The manifest of an up-to-date bundle in `outDir` (sources under `root`), else undefined with `why.reason` set. */
export declare function freshBundle(root: string, outDir: string, why?: { reason?: string }): CliManifest | undefined;
