// The boot image (docs/image-format.md): writer, reader and the types they exchange.
export * from './types.js';
export { writeImage } from './writeImage.js';
export { readImage } from './readImage.js';
export { fileSha256 } from './inspectImage.js';
export { bootInfoFor, bootInfoOfModel, bootInfoOfPlan, encodeBootInfo } from './bootInfo.js';
export { pageAlignSegments } from './component.js';
export { sealImage, imageSha256 } from './seal.js';
export { signImage, parseKey, keyFingerprint, trustProblem } from './signature.js';
export { FORMAT_VERSION, PAGE_SIZE, MAX_BOOTINFO_UNTYPEDS, BOOTINFO_SIZE } from './format.js';
