// The compiler's stages in pipeline order (DESIGN.md "Pipeline and layout", STYLE.md §1). Each takes
// the previous one's data and returns the next:
//   load (descriptor file → SystemDescriptor, schema diagnostics)
//   → resolvePlatform (→ SystemModel) → check/ (→ diagnostics) → plan/ (→ Plan) → emit → build (→ image).
// `validate` runs load and every check on many files without building anything.
export { loadDescriptor, findDescriptor, DESCRIPTOR_GLOB, type LoadedDescriptor, type LoadOptions } from './load.js';
export { validateFiles, validateFile, type FileValidation, type ValidationResult } from './validate.js';
export { nodeHost, memoryHost, writeFileAtomic, type Host } from './host.js';
