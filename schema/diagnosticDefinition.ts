// The shape of one registry entry and of a reported diagnostic. A leaf module: image/, runtime/,
// compiler/ and cli/ all import it. Codes are stable: never reused, never renumbered (see STYLE.md §2).

/** `note`: information that is no problem (which checks `validate` had to leave to `build`). */
export type Severity = 'error' | 'warning' | 'note';

/** Names of the `{placeholder}`s in a message template, as a union of string literal types. */
export type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}`
  ? P | Placeholders<Rest>
  : never;

/** Values for every placeholder of a definition; a missing one fails to compile. */
export type DiagnosticArgs<P extends string> = [P] extends [never]
  ? Record<string, never>
  : { readonly [K in P]: string | number | bigint };

/** One entry of the registry. `P` is the set of placeholders of its message and hint. */
export interface DiagnosticDefinition<P extends string = string> {
  /** Stable code, `KC` and four digits; the band says which stage reports it. */
  readonly code: string;
  /** Stable camelCase name, used in code (`D.irqGrantedTwice`), never derived from the message. */
  readonly name: string;
  readonly severity: Severity;
  /** Message template, lower-case start, no final period, `{placeholder}`s for values. */
  readonly message: string;
  /** How to fix it; may use the same placeholders. */
  readonly hint?: string;
  /** A retired code stays in the registry so it is never reused. */
  readonly retired?: boolean;
  /** Phantom field carrying the placeholder names for type checking. */
  readonly __placeholders?: P;
}

/** Declares a registry entry; placeholders are inferred from the message and hint templates. */
export function diagnostic<const M extends string, const H extends string = never>(
  code: `KC${number}`,
  severity: Severity,
  message: M,
  hint?: H,
): Omit<DiagnosticDefinition<Placeholders<M> | Placeholders<H>>, 'name'> {
  return hint === undefined ? { code, severity, message } : { code, severity, message, hint };
}

/** A half-open range of characters in a source text (string offsets, 0-based). */
export interface Span {
  readonly start: number;
  readonly length: number;
}

/** A secondary location ("first granted here"). */
export interface RelatedLocation {
  readonly message: string;
  readonly file?: string;
  readonly span?: Span;
  /** 1-based, as in SARIF; filled at the edge from the file's line index. */
  line?: number;
  /** 1-based, in UTF-16 code units; filled at the edge. */
  column?: number;
}

/** A reported problem. */
export interface Diagnostic {
  readonly code: string;
  readonly name: string;
  readonly severity: Severity;
  readonly message: string;
  readonly hint?: string;
  /** The file the problem is in, as the user gave it. */
  readonly file?: string;
  readonly span?: Span;
  /** 1-based line, as in SARIF; filled once at the edge (see `attachPositions`). */
  line?: number;
  /** 1-based column in UTF-16 code units; filled once at the edge. */
  column?: number;
  /** Dotted path into the descriptor (`components.0.priority`) where there is one. */
  readonly path?: string;
  readonly related?: readonly RelatedLocation[];
}

/** Where a diagnostic points; all optional. `line`/`column` may be given directly (1-based). */
export interface DiagnosticLocation {
  readonly file?: string;
  readonly span?: Span;
  readonly line?: number;
  readonly column?: number;
  readonly path?: string;
  readonly related?: readonly RelatedLocation[];
}

function formatValue(value: string | number | bigint): string {
  return typeof value === 'string' ? value : String(value);
}

/** Replaces `{name}` placeholders by their values; unknown placeholders are left as written. */
export function formatTemplate(template: string, args: Readonly<Record<string, string | number | bigint>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(args, key) ? formatValue(args[key]!) : whole,
  );
}

/** Builds a diagnostic from a registry entry, its placeholder values and a location. */
export function createDiagnostic<P extends string>(
  definition: DiagnosticDefinition<P>,
  args: DiagnosticArgs<P>,
  location: DiagnosticLocation = {},
): Diagnostic {
  const values = args as Readonly<Record<string, string | number | bigint>>;
  const result: Diagnostic = {
    code: definition.code,
    name: definition.name,
    severity: definition.severity,
    message: formatTemplate(definition.message, values),
    ...(definition.hint !== undefined ? { hint: formatTemplate(definition.hint, values) } : {}),
    ...location,
  };
  return result;
}

/**
 * Thrown by decoders and readers (FDT, ELF, boot image) that cannot go on after one problem.
 * The CLI renders `diagnostic` and exits 1; it is never shown as a stack trace.
 */
export class DiagnosticError extends Error {
  readonly diagnostic: Diagnostic;
  constructor(diagnostic: Diagnostic) {
    super(`${diagnostic.code}: ${diagnostic.message}`);
    this.name = 'DiagnosticError';
    this.diagnostic = diagnostic;
  }
}

/** Shorthand: `throw fail(D.fdtBadMagic, {magic: '0x1234'}, {file})`. */
export function fail<P extends string>(
  definition: DiagnosticDefinition<P>,
  args: DiagnosticArgs<P>,
  location?: DiagnosticLocation,
): DiagnosticError {
  return new DiagnosticError(createDiagnostic(definition, args, location));
}
