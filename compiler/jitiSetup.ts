// How compiler/load.ts gets jiti and the transform jiti runs on TypeScript descriptors. A leaf module
// of its own, so that the executable (cli/bin.ts) can set both at start without evaluating the
// loader and what it imports (the descriptor's zod schema) in commands that load no descriptor.
// The library sets neither: jiti is required and loads its own babel.

/** What jiti hands a transform (its TransformOptions, the fields we rely on) and gets back. */
export interface TransformOptions {
  readonly source: string;
  readonly filename?: string;
  readonly ts?: boolean;
  readonly async?: boolean;
  readonly jsx?: unknown;
  readonly interopDefault?: boolean;
  /** Passed to babel: `{ sourceMaps: 'inline', sourceFileName }` when load.ts maps a failure back. */
  readonly babel?: Readonly<Record<string, unknown>>;
}
export type Transform = (options: TransformOptions) => { code: string; error?: unknown };

/** What the executable set; read by compiler/load.ts when it first creates jiti. */
export const jitiSetup: {
  /** Makes the transform for TypeScript descriptors (on the first load); undefined, or its undefined, lets jiti load babel itself. */
  descriptorTransform: (() => Transform | undefined) | undefined;
  /** How jiti's module is had; undefined requires it. */
  jitiModule: (() => typeof import('jiti')) | undefined;
  /**
   * A descriptor's module without jiti: given its absolute path and text, a function that evaluates
   * it and returns its exports as jiti's synchronous loader would, or undefined to load it with jiti.
   */
  withoutJiti: ((absoluteFile: string, text: string) => (() => unknown) | undefined) | undefined;
} = { descriptorTransform: undefined, jitiModule: undefined, withoutJiti: undefined };

/**
 * The executable sets jiti's own babel run through V8's code cache (cli/babelTransform.ts), a
 * start-up matter the library leaves to it. Set before the first descriptor is loaded; `make` runs
 * then (finding jiti's files costs a start that loads no descriptor a few milliseconds).
 */
export function useDescriptorTransform(make: (() => Transform | undefined) | undefined): void {
  jitiSetup.descriptorTransform = make;
}

/** The executable sets jiti's bundle compiled through V8's code cache (cli/cachedJiti.ts). Set before the first load. */
export function useJitiModule(load: (() => typeof import('jiti')) | undefined): void {
  jitiSetup.jitiModule = load;
}

/**
 * The executable sets a loader that evaluates descriptors it has transformed before without jiti
 * (cli/descriptorCache.ts): jiti's module code costs every validate a few milliseconds even from
 * cached bytecode. Set before the first load.
 */
export function useDescriptorsWithoutJiti(load: ((absoluteFile: string, text: string) => (() => unknown) | undefined) | undefined): void {
  jitiSetup.withoutJiti = load;
}
