// The largest input files kaal-compose reads, by kind (docs/reliability.md, "Limits"). Users raise
// them with --max-input-size; a larger file is refused with KC0009 before it is used.
export const INPUT_SIZE_LIMITS = {
  'boot image': 256 * 1024 * 1024,
  'ELF program': 64 * 1024 * 1024,
  'device tree blob': 16 * 1024 * 1024,
  'stdin file': 64 * 1024 * 1024,
  'key file': 64 * 1024,
} as const;
export type InputKind = keyof typeof INPUT_SIZE_LIMITS;
