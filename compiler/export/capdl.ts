// The plan as a capDL specification (the capDL language of seL4's capdl tool): every object of
// the plan, the caps in each CNode slot, the VSpace tree (root table → page tables → frames), TCB
// settings and the IRQ map. Filler untypeds are allocation details and are left out.
import type { Plan } from '../../schema/plan.js';
import { irqHandlerName } from '../plan/cspace.js';

export interface CapdlView {
  readonly name: string;
  readonly objects: readonly { name: string; declaration: string }[];
  readonly capTables: readonly { object: string; entries: readonly { slot: string; cap: string }[] }[];
  readonly irqMap: readonly { irq: number; handler: string }[];
}

/** capDL identifiers: letters, digits and '_'. */
function ident(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/** capDL frame rights: `RWX` letters of the mapping's perms. */
function rightsText(perms: string): string {
  return perms.toUpperCase();
}

const hex = (n: number): string => `0x${n.toString(16)}`;

export function capdlView(plan: Plan): CapdlView {
  const objects: { name: string; declaration: string }[] = [];
  const tcbOf = new Map(plan.components.map((c) => [c.objects.tcb, c]));
  for (const o of plan.objects) {
    switch (o.kind) {
      case 'tcb': {
        const c = tcbOf.get(o.name);
        const settings = c ? `addr: ${hex(c.tcb.ipcBuffer)}, ip: ${hex(c.tcb.entry)}, sp: ${hex(c.tcb.stackTop)}, prio: ${c.tcb.priority}, max_prio: ${c.tcb.priority}` : '';
        objects.push({ name: ident(o.name), declaration: `tcb (${settings})` });
        break;
      }
      case 'cnode':
        objects.push({ name: ident(o.name), declaration: `cnode (${o.sizeBits - 4} bits)` });
        break;
      case 'vspace':
      case 'pageTable':
        objects.push({ name: ident(o.name), declaration: 'pt' });
        break;
      case 'frame':
        objects.push({ name: ident(o.name), declaration: `frame (${o.sizeBits === 22 ? '4M' : '4k'}${o.fixed ? `, paddr: ${hex(o.paddr)}` : ''})` });
        break;
      case 'endpoint':
        objects.push({ name: ident(o.name), declaration: 'ep' });
        break;
      case 'notification':
        objects.push({ name: ident(o.name), declaration: 'notification' });
        break;
      case 'asidPool':
        objects.push({ name: ident(o.name), declaration: 'asid_pool' });
        break;
      default:
        // untyped fillers: how the planner reaches fixed addresses, not part of the system.
        break;
    }
  }
  const irqNames = new Map<number, string>();
  for (const c of plan.components) for (const i of c.irqs) irqNames.set(i.irq, irqHandlerName(i.irq));
  for (const [, name] of [...irqNames].sort((a, b) => a[0] - b[0])) objects.push({ name, declaration: 'irq' });

  const capTables: { object: string; entries: { slot: string; cap: string }[] }[] = [];
  for (const c of plan.components) {
    capTables.push({
      object: ident(c.objects.cnode),
      entries: c.cspace.map((s) => {
        const rights = [s.rights.read ? 'R' : '', s.rights.write ? 'W' : '', s.rights.grant ? 'G' : '', s.rights.grantReply ? 'P' : ''].join('');
        const extras = [rights, s.badge ? `badge: ${s.badge}` : ''].filter(Boolean).join(', ');
        return { slot: hex(s.slot), cap: `${ident(s.object)}${extras ? ` (${extras})` : ''}` };
      }),
    });
    capTables.push({
      object: ident(c.objects.tcb),
      entries: [
        { slot: 'cspace', cap: `${ident(c.objects.cnode)} (guard: 0, guard_size: 24)` },
        { slot: 'vspace', cap: ident(c.objects.vspace) },
        { slot: 'ipc_buffer_slot', cap: `${ident(c.vspace.find((m) => m.purpose === 'ipcBuffer')?.frame ?? '')} (RW)` },
        { slot: 'bound_notification', cap: ident(c.objects.notification) },
      ],
    });
    // Root table entries: one per 4 MiB window; leaf tables: one per mapped page.
    capTables.push({
      object: ident(c.objects.vspace),
      entries: c.pageTables.map((pt) => ({ slot: hex(pt.vaddr >>> 22), cap: ident(pt.object) })),
    });
    for (const pt of c.pageTables) {
      const inWindow = c.vspace.filter((m) => m.vaddr >>> 22 === pt.vaddr >>> 22);
      capTables.push({
        object: ident(pt.object),
        entries: inWindow.map((m) => ({
          slot: hex((m.vaddr >>> 12) & 0x3ff),
          cap: `${ident(m.frame)} (${rightsText(m.perms)}${m.cached ? '' : ', uncached'})`,
        })),
      });
    }
    for (const i of c.irqs) {
      capTables.push({ object: irqHandlerName(i.irq), entries: [{ slot: '0x0', cap: `${ident(i.notification)} (badge: ${i.badge})` }] });
    }
  }
  const irqMap = [...irqNames].sort((a, b) => a[0] - b[0]).map(([irq, handler]) => ({ irq, handler }));
  return { name: plan.system, objects, capTables, irqMap };
}
