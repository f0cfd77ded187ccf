// The export formats, apart from the renderers so that the CLI can list them without loading the
// templates (`kaal-compose export --to …`).
export const EXPORT_FORMATS = ['microkit', 'capdl', 'dts', 'dot', 'mermaid'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
