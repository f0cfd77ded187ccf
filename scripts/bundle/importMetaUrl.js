// Injected into the CommonJS CLI bundle by scripts/bundleCli.mjs: what `import.meta.url` becomes
// there (the bundle's own file URL, so lookups relative to it keep working).
export const importMetaUrl = require('node:url').pathToFileURL(__filename).href;
