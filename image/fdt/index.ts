// The FDT codec (Devicetree Specification v0.4, chapter 5): decode, encode as dtc does, print DTS.
export * from './fdtTree.js';
export { decodeFdt, FDT_MAX_DEPTH, type DecodeOptions } from './decodeFdt.js';
export { encodeFdt } from './encodeFdt.js';
export { printDts, formatValue } from './printDts.js';
