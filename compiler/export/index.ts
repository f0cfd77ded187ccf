// `kaal-compose export`: renders a planned system in another tool's language — a Microkit SDF, a
// capDL spec, DTS with a /kaal node, a Graphviz DOT or mermaid graph — from templates/export/.
import type { FdtTree } from '../../image/fdt/fdtTree.js';
import { printDts } from '../../image/fdt/printDts.js';
import type { Plan } from '../../schema/plan.js';
import type { SystemModel } from '../resolvePlatform.js';
import { renderTemplate } from '../renderTemplate.js';
import { capdlView } from './capdl.js';
import { kaalNodeView } from './dts.js';
import { graphView } from './graph.js';
import { microkitView } from './microkitSdf.js';

import type { ExportFormat } from './formats.js';

export { EXPORT_FORMATS, type ExportFormat } from './formats.js';

export interface ExportInput {
  readonly model: SystemModel;
  readonly plan: Plan;
  /** The platform's device tree (for `dts`). */
  readonly tree: FdtTree;
}

/** The system in `format`, as text. Pure. */
export function exportSystem(format: ExportFormat, input: ExportInput): string {
  switch (format) {
    case 'microkit':
      return renderTemplate('export/microkit.system.hbs', microkitView(input.model, input.plan), { pd: 'export/microkit.pd.hbs' });
    case 'capdl':
      return renderTemplate('export/capdl.cdl.hbs', capdlView(input.plan));
    case 'dts':
      return printDts(input.tree) + renderTemplate('export/kaal-node.dts.hbs', kaalNodeView(input.model, input.plan));
    case 'dot':
      return renderTemplate('export/dot.hbs', graphView(input.model, input.plan));
    case 'mermaid':
      return renderTemplate('export/mermaid.hbs', graphView(input.model, input.plan));
  }
}
