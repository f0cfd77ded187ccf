// The compiler's stages in pipeline order (DESIGN.md "Pipeline and layout", STYLE.md §1). Each takes
// the previous one's data and returns the next:
//   load (descriptor file → SystemDescriptor, schema diagnostics)
//   → resolvePlatform (→ SystemModel) → check/ (→ diagnostics) → plan/ (→ Plan) → emit → build (→ image).
// `validate` runs load and every check on many files without building anything; `planDescriptor`,
// `buildSystem` and `exportDescriptor` are the I/O edges the CLI commands call.
export { loadDescriptor, findDescriptor, DESCRIPTOR_GLOB, type LoadedDescriptor, type LoadOptions } from './load.js';
export { loadPlatform, type LoadedPlatform } from './loadPlatform.js';
export { resolveSystem, type SystemModel } from './resolvePlatform.js';
export { checkSystem, checkDescriptor } from './check/index.js';
export { planSystem, type PlanResult } from './plan/index.js';
export { emitComponents } from './emit.js';
export { buildSystem, type BuildOptions, type BuildResult } from './build.js';
export { validateFiles, validateFile, type FileValidation, type ValidationResult } from './validate.js';
export { planDescriptor, type PlannedDescriptor } from './planDescriptor.js';
export { exportSystem, EXPORT_FORMATS, type ExportFormat } from './export/index.js';
export { exportDescriptor } from './export/exportDescriptor.js';
export { importSdf } from './microkit/importSdf.js';
export { convertSdfFile } from './microkit/convertSdfFile.js';
export { renderHtmlReport } from './report/index.js';
export { nodeHost, memoryHost, writeFileAtomic, type Host } from './host.js';
