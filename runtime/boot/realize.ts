// The root task: executes the plan's invocations literally through the kernel, marshalling each as
// the libsel4 stub would (sel4-abi.md §4.3: MRs in order, caps as extra caps), and names the threads.
import { createDiagnostic, D, type Diagnostic } from '../../schema/diagnostics.js';
import type { Invocation, Plan } from '../../schema/plan.generated.js';
import { seL4ErrorName } from '../kernel/abi.js';
import { invoke, type InvocationResult } from '../kernel/invocation.js';
import type { Kernel } from '../kernel/kernel.js';

/** MRs and extra caps of one invocation, as `syscall_stub_gen.py` marshals them. */
function marshal(inv: Invocation, plan: Plan): { mrs: number[]; caps: number[]; cached?: boolean } {
  switch (inv.op) {
    case 'Untyped_Retype':
      return { mrs: [inv.type, inv.sizeBits, inv.nodeIndex, inv.nodeDepth, inv.nodeOffset, inv.numObjects], caps: [inv.root] };
    case 'ASIDControl_MakePool':
      return { mrs: [inv.index, inv.depth], caps: [inv.untyped, inv.root] };
    case 'ASIDPool_Assign':
      return { mrs: [], caps: [inv.vspace] };
    case 'CNode_Mint':
      return { mrs: [inv.destIndex, inv.destDepth, inv.srcIndex, inv.srcDepth, inv.rights, inv.badge], caps: [inv.srcRoot] };
    case 'CNode_Copy':
      return { mrs: [inv.destIndex, inv.destDepth, inv.srcIndex, inv.srcDepth, inv.rights], caps: [inv.srcRoot] };
    case 'IRQControl_Get':
      return { mrs: [inv.irq, inv.index, inv.depth], caps: [inv.root] };
    case 'IRQHandler_SetNotification':
      return { mrs: [], caps: [inv.notification] };
    case 'PageTable_Map':
      return { mrs: [inv.vaddr, inv.attr], caps: [inv.vspace] };
    case 'Page_Map':
      return { mrs: [inv.vaddr, inv.rights, inv.attr], caps: [inv.vspace], cached: inv.cached };
    case 'TCB_Configure':
      return {
        mrs: [inv.faultEp, inv.cspaceRootData, inv.vspaceRootData, inv.buffer],
        caps: [inv.cspaceRoot, inv.vspaceRoot, inv.bufferFrame],
      };
    case 'TCB_SetPriority':
      return { mrs: [inv.priority], caps: [inv.authority] };
    case 'TCB_WriteRegisters': {
      // seL4_UserContext up to a0 (index 16): pc, sp and the entry convention's a0 = IPC buffer.
      const context = new Array<number>(17).fill(0);
      context[0] = inv.pc;
      context[2] = inv.sp;
      context[16] = ipcBufferOfTcbSlot(plan, inv.service);
      return { mrs: [inv.resumeTarget ? 1 : 0, context.length, ...context], caps: [] };
    }
    case 'TCB_BindNotification':
      return { mrs: [], caps: [inv.notification] };
    case 'TCB_Resume':
      return { mrs: [], caps: [] };
  }
}

function ipcBufferOfTcbSlot(plan: Plan, slot: number): number {
  const tcb = plan.objects.find((o) => o.kind === 'tcb' && o.rootSlot === slot);
  const component = plan.components.find((c) => c.objects.tcb === tcb?.name);
  return component?.tcb.ipcBuffer ?? 0;
}

function describeError(result: InvocationResult): string {
  if (result.capFault) return `cap fault looking up cptr ${result.capFault.cptr} (${result.capFault.lookup.type})`;
  const details = result.mrs.length > 0 ? ` [${result.mrs.join(', ')}]` : '';
  return `seL4 error ${result.error} (${seL4ErrorName(result.error)})${details}`;
}

function objectOf(inv: Invocation): string {
  if ('object' in inv) return inv.object;
  if ('component' in inv && inv.component) return inv.component;
  return `slot ${inv.service}`;
}

/** Runs every invocation; stops at the first failure (later ones depend on it). */
export function realizePlan(kernel: Kernel, plan: Plan, file?: string): Diagnostic[] {
  for (let index = 0; index < plan.invocations.length; index++) {
    const inv = plan.invocations[index]!;
    const { mrs, caps, cached } = marshal(inv, plan);
    const result = invoke(kernel, kernel.rootTcb, inv.service, inv.label, mrs, caps, cached === undefined ? {} : { cached });
    if (result.error !== 0 || result.capFault) {
      return [
        createDiagnostic(
          D.bootInvocationFailed,
          { index, op: inv.op, object: objectOf(inv), error: describeError(result) },
          { ...(file !== undefined ? { file } : {}), path: `plan.invocations.${index}` },
        ),
      ];
    }
  }
  return [];
}
