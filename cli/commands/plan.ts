// `kaal-compose plan [system] [--json]`: the capability-distribution plan of a system (docs/plan.md):
// per component its CSpace slots, mappings and IRQs, and memory use per untyped; or the plan as JSON.
import type { CommandFactory } from '../context.js';
import { ExitCode, failureExitCode } from '../exitCodes.js';
import { printDiagnostics, sourceFromDisk } from '../report/index.js';
import { loadTimeoutMs, loadTimeoutOption, maxInputSizeOption } from '../readInput.js';
import type { Plan } from '../../schema/plan.js';
import { escapeTerminalText as safe } from '../../schema/terminalText.js';

interface PlanArgs {
  readonly system?: string;
  readonly json: boolean;
  readonly maxInputSize?: number;
  readonly loadTimeout?: number;
}

const planCommand: CommandFactory = (context) => ({
  command: 'plan [system]',
  describe: 'print the capability plan of a system: objects, CSpaces, mappings, IRQs, untyped use',
  builder: (yargs) =>
    yargs
      .positional('system', { type: 'string', describe: 'the descriptor (default: the one *.system.* in the current directory)' })
      .option('json', { type: 'boolean', default: false, describe: 'print the plan as JSON (schema/plan.schema.json)' })
      .option('max-input-size', maxInputSizeOption)
      .option('load-timeout', loadTimeoutOption),
  handler: async (argv: PlanArgs) => {
    const { io } = context;
    const [{ planDescriptor }, { nodeHost }, { findDescriptor }] = await Promise.all([
      import('../../compiler/planDescriptor.js'),
      import('../../compiler/host.js'),
      import('../../compiler/load.js'),
    ]);
    const found = findDescriptor(argv.system, io.cwd);
    if ('diagnostic' in found) {
      printDiagnostics(io, [found.diagnostic]);
      context.exitCode = failureExitCode([found.diagnostic]);
      return;
    }
    const result = await planDescriptor(found.file, nodeHost, { cwd: io.cwd, loadTimeoutMs: loadTimeoutMs(argv.loadTimeout), ...(argv.maxInputSize === undefined ? {} : { maxInputSize: argv.maxInputSize }) });
    printDiagnostics(io, result.diagnostics, sourceFromDisk(io.cwd));
    if (result.plan === null) {
      context.exitCode = ExitCode.inputErrors;
      return;
    }
    io.stdout.write(argv.json ? `${JSON.stringify(result.plan, null, 2)}\n` : formatPlan(result.plan));
    context.exitCode = ExitCode.ok;
  },
});

const hex = (n: number, width = 8) => `0x${n.toString(16).padStart(width, '0')}`;

function table(headers: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map(safe));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** The human-readable plan: one section per component, then untyped use. */
export function formatPlan(plan: Plan): string {
  let out = `plan of '${safe(plan.system)}' on ${safe(plan.platform.name)}: ${plan.objects.length} objects, ${plan.invocations.length} invocations, ${plan.rootTask.usedSlots} root slots\n`;
  for (const c of plan.components) {
    out += `\ncomponent '${safe(c.name)}' (priority ${c.tcb.priority}, entry ${hex(c.tcb.entry)}, stack ${hex(c.tcb.stackBottom)}..${hex(c.tcb.stackTop)}, IPC buffer ${hex(c.tcb.ipcBuffer)}${c.elfPlaceholder ? ', placeholder ELF' : ''})\n`;
    out += table(['slot', 'cap', 'object', 'rights', 'badge'], c.cspace.map((s) => [
      String(s.slot), s.role, s.object,
      `${s.rights.read ? 'r' : '-'}${s.rights.write ? 'w' : '-'}${s.rights.grant ? 'g' : '-'}${s.rights.grantReply ? 'R' : '-'}`,
      s.badge ? hex(s.badge) : '-',
    ]));
    out += table(['vaddr', 'paddr', 'perms', 'cached', 'what'], mergeMappings(c.vspace));
    if (c.irqs.length > 0) out += table(['irq', 'channel', 'handler slot', 'badge', 'device'], c.irqs.map((i) => [String(i.irq), String(i.channel), String(i.handlerSlot), hex(i.badge), i.device]));
  }
  out += '\nuntyped memory\n';
  out += table(['#', 'paddr', 'size', 'kind', 'used'], plan.untyped.map((u) => [
    String(u.index), hex(u.paddr), `2^${u.sizeBits}`, u.isDevice ? 'device' : 'ram', u.isDevice ? (u.usedBytes ? 'frames at fixed addresses' : '-') : `${hex(u.usedBytes, 1)} (${((100 * u.usedBytes) / 2 ** u.sizeBits).toFixed(1)}%)`,
  ]));
  const used = plan.utilisation;
  out += `RAM: ${hex(used.ramUsedBytes, 1)} of ${hex(used.ramBytes, 1)} bytes used (${((100 * used.ramUsedBytes) / Math.max(1, used.ramBytes)).toFixed(2)}%)\n`;
  return out;
}

/** Consecutive pages of one purpose and source become one row. */
function mergeMappings(mappings: Plan['components'][number]['vspace']): string[][] {
  const rows: { start: number; end: number; paddr: number; contiguous: boolean; perms: string; cached: boolean; what: string }[] = [];
  for (const m of mappings) {
    const what = m.source ? `${m.purpose} ${m.source}` : m.purpose;
    const last = rows[rows.length - 1];
    if (last && last.end === m.vaddr && last.what === what && last.perms === m.perms && last.cached === m.cached) {
      last.contiguous &&= m.paddr === last.paddr + (last.end - last.start);
      last.end += m.size;
    } else rows.push({ start: m.vaddr, end: m.vaddr + m.size, paddr: m.paddr, contiguous: true, perms: m.perms, cached: m.cached, what });
  }
  return rows.map((r) => [`${hex(r.start)}..${hex(r.end)}`, r.contiguous ? hex(r.paddr) : 'scattered', r.perms, r.cached ? 'yes' : 'no', r.what]);
}

export default planCommand;
