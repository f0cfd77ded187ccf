// `npm run mutate:score [-- report.json|dir ...]`: a mutation score per folder from the JSON reports of
// several narrowed `npm run mutate` runs (MUTATE_REPORT=… --mutate 'file,…'), since a whole folder
// rarely fits one sitting on this machine. For each product file it lays the reports whose copy of
// the file is byte-identical to the file today over each other, newest last, mutant by mutant (a
// result for older code does not count; a re-run of some lines updates those lines), and says
// which files no whole-file run covers. Default input: reports/mutation/, with the partial reports of
// runs stopped before their end (`*.partial.json`: their untested mutants are Pending).
//
// A run against fewer than the folder's test files (--testFiles, or before a test file was added)
// still counts: a mutant one of its tests killed is killed by the whole set too, and one that
// survived it might not survive the whole set, so the figure can only be low. The table says how
// many of today's test files each result's run did not have.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import fg from 'fast-glob';
import { MUTATION_FOLDERS, mutatedFiles, mutationTestFiles } from './mutationFolders.mjs';

/** Stryker's statuses that count for the score; CompileError, RuntimeError and Ignored do not. */
const DETECTED = ['Killed', 'Timeout'];
const UNDETECTED = ['Survived', 'NoCoverage'];
const COUNTED = [...DETECTED, ...UNDETECTED];

/** Counts of one file's mutants by status. */
export function countStatuses(mutants) {
  const counts = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const mutant of mutants) counts[COUNTED.includes(mutant.status) ? mutant.status : 'other'] += 1;
  return counts;
}

/** (killed + timeout) ÷ (killed + timeout + survived + no coverage), or null with nothing to count. */
export function scoreOf(counts) {
  const detected = DETECTED.reduce((sum, status) => sum + counts[status], 0);
  const valid = detected + UNDETECTED.reduce((sum, status) => sum + counts[status], 0);
  return valid === 0 ? null : detected / valid;
}

/** Whether a run's `mutate` patterns named only some lines of this file (`file:10-40`). */
function linesOnly(config, file) {
  const patterns = config?.mutate ?? [];
  return patterns.some((pattern) => pattern.startsWith(`${file}:`)) && !patterns.includes(file);
}

/** One mutant's identity within one version of a file. */
const mutantKey = (m) => `${m.mutatorName}|${m.replacement}|${m.location.start.line}:${m.location.start.column}-${m.location.end.line}:${m.location.end.column}`;

/**
 * The folder's score from reports: `reports` are `{ name, time, json }` (json as Stryker writes it),
 * `sources` maps each of the folder's product files to its text today, `testFiles` is the folder's
 * test set today. For each file, every report of today's text is laid over the older ones mutant
 * by mutant (a re-run of some lines updates those lines); a file a report's run mutated (its
 * `mutated` set) that it lists no mutants for had none. Pure: no file system.
 */
export function combineFolder(reports, sources, testFiles) {
  const oldestFirst = [...reports].sort((a, b) => a.time - b.time);
  const files = [];
  for (const [file, source] of Object.entries(sources)) {
    const mutants = new Map();
    const used = [];
    let whole = false;
    let stale = false;
    let missingTests = 0;
    for (const report of oldestFirst) {
      const entry = report.json.files?.[file];
      if (!entry) continue;
      if (entry.source !== source) {
        stale = true;
        continue;
      }
      // A partial report (scripts/strykerPartialReport.mjs) lists the mutants not tested yet as Pending.
      const tested = entry.mutants.filter((mutant) => mutant.status !== 'Pending');
      for (const mutant of tested) mutants.set(mutantKey(mutant), mutant);
      whole ||= !linesOnly(report.json.config, file) && tested.length === entry.mutants.length;
      const ran = new Set(report.json.config?.testFiles ?? []);
      missingTests = Math.max(missingTests, testFiles.filter((test) => !ran.has(test)).length);
      used.push(report.name);
    }
    // Stryker's report lists only files with mutants: one its run mutated (`mutated`, the files its
    // `mutate` patterns matched when read) but does not list had none.
    const noMutants = used.length === 0 ? oldestFirst.filter((report) => report.mutated?.has(file) && !report.json.files?.[file] && !linesOnly(report.json.config, file)).map((report) => report.name) : [];
    if (noMutants.length) files.push({ file, counts: countStatuses([]), reports: noMutants, missingTests: 0, noMutants: true });
    else if (!whole) files.push({ file, counts: null, stale, partial: used.length > 0, ...(mutants.size ? { partialCounts: countStatuses(mutants.values()) } : {}), reports: used });
    else files.push({ file, counts: countStatuses(mutants.values()), reports: used, missingTests });
  }
  const total = { Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, other: 0 };
  for (const { counts } of files) if (counts) for (const key of Object.keys(total)) total[key] += counts[key];
  const unmeasured = files.filter((entry) => !entry.counts).map((entry) => entry.file);
  return { files, total, score: scoreOf(total), unmeasured };
}

function readReports(inputs) {
  const paths = inputs.flatMap((input) =>
    fs.statSync(input).isDirectory()
      ? fs.readdirSync(input).filter((name) => name.endsWith('.json') && !name.endsWith('.incremental.json')).map((name) => path.join(input, name))
      : [input],
  );
  return paths.map((file) => {
    const json = JSON.parse(fs.readFileSync(file, 'utf8'));
    const patterns = (json.config?.mutate ?? []).filter((pattern) => !/:\d/.test(pattern));
    const mutated = new Set(fg.sync(patterns, { onlyFiles: true }));
    return { name: path.basename(file, '.json'), time: fs.statSync(file).mtimeMs, json, mutated };
  });
}

const percent = (score) => (score === null ? '—' : `${(score * 100).toFixed(1)} %`);

function printFolder(name, result) {
  console.log(`\n## ${name}: ${percent(result.score)}${result.unmeasured.length ? ` over the measured files; ${result.unmeasured.length} not measured` : ''}`);
  console.log(`| file | killed | timeout | survived | no coverage | score | report (of today's ${result.testFiles} test files, missing) |`);
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const entry of result.files) {
    if (!entry.counts) {
      const why = entry.partial ? 'some lines or mutants only' : entry.stale ? 'stale (code changed since)' : 'not measured';
      const c = entry.partialCounts;
      const sofar = c ? `${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${why}: ${percent(scoreOf(c))} so far` : ` | | | | ${why}`;
      console.log(`| ${entry.file} | ${sofar} | ${entry.reports.join(', ')} |`);
      continue;
    }
    const c = entry.counts;
    const measured = entry.noMutants ? 'no mutants' : percent(scoreOf(c));
    console.log(`| ${entry.file} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${measured} | ${entry.reports.join(', ')} (${entry.missingTests}) |`);
  }
  const t = result.total;
  console.log(`| **${name}** | ${t.Killed} | ${t.Timeout} | ${t.Survived} | ${t.NoCoverage} | **${percent(result.score)}** | |`);
}

function main(argv) {
  const folderArg = argv.indexOf('--folder');
  const folders = folderArg >= 0 ? argv[folderArg + 1].split(',') : Object.keys(MUTATION_FOLDERS);
  const inputs = argv.filter((_, index) => folderArg < 0 || (index !== folderArg && index !== folderArg + 1));
  const reports = readReports(inputs.length ? inputs : ['reports/mutation']);
  for (const name of folders) {
    if (!(name in MUTATION_FOLDERS)) throw new Error(`no folder '${name}'; the folders are ${Object.keys(MUTATION_FOLDERS).join(', ')}`);
    const sources = Object.fromEntries(mutatedFiles(name).map((file) => [file, fs.readFileSync(file, 'utf8')]));
    const testFiles = mutationTestFiles([name]);
    printFolder(name, { ...combineFolder(reports, sources, testFiles), testFiles: testFiles.length });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`mutationScore: ${error.message}`);
    process.exit(1);
  }
}
