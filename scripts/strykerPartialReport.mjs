// A Stryker reporter (`partial-report` in stryker.config.mjs) that keeps a run's results on disk as
// it goes: `<json report>.partial.json` beside the JSON report, in Stryker's JSON report format,
// rewritten every few seconds with each mutant tested so far and the others as `Pending`. Stryker
// 9 writes its reports and its incremental file only when the run ends, so a run stopped for time
// kept nothing; `npm run mutate:score` counts a partial report's tested mutants and shows its files
// as partly measured. The partial file is removed once the whole report is written.
import fs from 'node:fs';
import path from 'node:path';
import { PluginKind, commonTokens, declareClassPlugin } from '@stryker-mutator/api/plugin';

/** How often the partial report is rewritten while mutants are being tested. */
const WRITE_EVERY_MS = 15_000;

/** Stryker's internal location (0-based lines and columns) as its JSON report writes it (1-based). */
const schemaLocation = ({ start, end }) => ({ start: { line: start.line + 1, column: start.column + 1 }, end: { line: end.line + 1, column: end.column + 1 } });

class PartialReporter {
  static inject = [commonTokens.options];

  constructor(options) {
    this.options = options;
    const json = options.jsonReporter?.fileName ?? 'reports/mutation/mutation.json';
    this.file = json.replace(/\.json$/, '') + '.partial.json';
    /** Per product file (relative path): its source and its mutants by id. */
    this.files = new Map();
    this.lastWrite = 0;
    /** The whole report is written: nothing partial to keep. */
    this.done = false;
  }

  onMutationTestingPlanReady({ mutantPlans }) {
    for (const { mutant } of mutantPlans) {
      this.mutantsOf(mutant.fileName).set(mutant.id, {
        id: mutant.id,
        mutatorName: mutant.mutatorName,
        replacement: mutant.replacement,
        location: schemaLocation(mutant.location),
        status: 'Pending',
      });
    }
    this.write();
  }

  onMutantTested(result) {
    const { fileName, killedBy, coveredBy, ...mutant } = result;
    this.mutantsOf(fileName).set(mutant.id, mutant);
    if (Date.now() - this.lastWrite >= WRITE_EVERY_MS) this.write();
  }

  onMutationTestReportReady() {
    fs.rmSync(this.file, { force: true });
    this.done = true;
  }

  wrapUp() {
    if (!this.done) this.write();
  }

  /** A file's mutants by id; its source is read once, when the file is first seen (it does not change during a run). */
  mutantsOf(fileName) {
    const file = path.relative(process.cwd(), fileName).split(path.sep).join('/');
    if (!this.files.has(file)) this.files.set(file, { source: fs.readFileSync(file, 'utf8'), mutants: new Map() });
    return this.files.get(file).mutants;
  }

  /** The report so far, written whole to a temporary name and renamed, so a reader never sees half of it. */
  write() {
    this.lastWrite = Date.now();
    const files = {};
    for (const [file, { source, mutants }] of this.files) files[file] = { language: 'typescript', source, mutants: [...mutants.values()] };
    const report = { schemaVersion: '2', thresholds: { high: 80, low: 60 }, config: { mutate: this.options.mutate, testFiles: this.options.testFiles }, files };
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.writeFileSync(`${this.file}.tmp`, JSON.stringify(report));
    fs.renameSync(`${this.file}.tmp`, this.file);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'partial-report', PartialReporter)];
