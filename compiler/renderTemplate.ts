// Renders the handlebars templates in templates/ (C headers, linker scripts, exports). One
// Handlebars environment with the few helpers templates need; text output, never HTML-escaped.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Handlebars from 'handlebars';
import { packageDir } from '../image/packageFiles.js';

const environment = Handlebars.create();
environment.registerHelper('hex', (value: unknown) => (typeof value === 'number' ? `0x${value.toString(16)}` : String(value)));
environment.registerHelper('eq', (a: unknown, b: unknown) => a === b);
environment.registerHelper('concat', (...args: unknown[]) => args.slice(0, -1).join(''));

const compiled = new Map<string, Handlebars.TemplateDelegate>();

function readTemplate(name: string): string {
  return fs.readFileSync(path.join(packageDir('templates'), name), 'utf8');
}

/**
 * Renders `templates/<name>` with `view`; templates are compiled once per process, in handlebars'
 * strict mode (a field the view lacks is an error, not an empty string). `partials` maps partial
 * names used in the template (`{{> pd}}`) to their template files.
 */
export function renderTemplate(name: string, view: object, partials: Readonly<Record<string, string>> = {}): string {
  for (const [partial, file] of Object.entries(partials)) {
    if (!environment.partials[partial]) environment.registerPartial(partial, readTemplate(file));
  }
  let template = compiled.get(name);
  if (!template) {
    template = environment.compile(readTemplate(name), { noEscape: true, strict: true });
    compiled.set(name, template);
  }
  return template(view);
}
