// A small hand-written plan (two components: a UART driver with an IRQ, MMIO and a shared region,
// and a client calling it over PPC) for the emit and SDK tests, independent of the planner.
import type { ComponentPlan, Plan } from '../../schema/plan.generated.js';
import type { HeaderNames } from '../../compiler/emit.js';
import { bundledKernelConfig } from '../../image/kernelConfig.js';

const rights = { read: true, write: true, grant: false, grantReply: false };

function component(name: string, index: number, priority: number, extra: Partial<ComponentPlan>): ComponentPlan {
  return {
    name,
    index,
    elfPlaceholder: true,
    tcb: { priority, entry: 0x1_0000, stackTop: 0x7fff_f000, stackBottom: 0x7fff_d000, ipcBuffer: 0x7fff_e000, faultEndpointSlot: 0 },
    objects: { tcb: `tcb_${name}`, cnode: `cnode_${name}`, vspace: `vspace_${name}`, notification: `ntfn_${name}`, endpoint: null },
    cspace: [{ slot: 1, object: `ntfn_${name}`, kind: 'notification', rights, badge: 0, role: 'input' }],
    vspace: [],
    pageTables: [],
    irqs: [],
    channels: [],
    ...extra,
  };
}

export const samplePlan: Plan = {
  formatVersion: 1,
  system: 'sample',
  platform: { name: 'kaal-virt-rv32', model: null, ram: [{ base: 0x8000_0000, size: 0x800_0000 }], kernelReserved: { base: 0x8000_0000, size: 0x20_0000 }, physicalTop: 2 ** 32 },
  rootTask: { cnodeSizeBits: 12, untypedSlots: { start: 16, end: 20 }, firstFreeSlot: 20, usedSlots: 20, cptrDepth: 32 },
  boot: {
    kernelConfig: bundledKernelConfig(0x8000_0000) as Plan['boot']['kernelConfig'],
    dtb: { paddr: 0x8002_0000, size: 0x1000 },
    userImage: { paddr: 0x8002_1000, size: 0x1_0000, vaddr: 0x1_0000, entry: 0x1_0000 },
    bootInfo: {
      untyped: { start: 16, end: 20 },
      empty: { start: 20, end: 4096 },
      userImageFrames: { start: 16, end: 16 },
      userImagePaging: { start: 16, end: 16 },
      extraBIPages: { start: 16, end: 16 },
      ipcBuffer: 0x2_0000,
      bootInfoVaddr: 0x2_1000,
      extraLen: 0,
      untypedsDropped: 0,
    },
    rootServer: { cnode: 0x87ff_0000, vspace: 0x87fe_f000, asidPool: 0x87fe_e000, ipcBuffer: 0x87fe_d000, bootInfo: 0x87fe_c000, extraBootInfo: 0, tcb: 0x87fe_b000, pageTables: [] },
  },
  untyped: [],
  objects: [],
  components: [
    component('uart-driver', 0, 150, {
      irqs: [{ irq: 10, channel: 1, handlerSlot: 139, notification: 'ntfn_uart-driver', badge: 2, device: '/soc/serial@10000000' }],
      channels: [{ id: 0, name: 'serial', peer: 'client', peerId: 3, notify: true, ppc: 'server' }],
      vspace: [
        { vaddr: 0x3000_0000, size: 0x1000, frame: 'frame_rx_0', paddr: 0x8040_0000, perms: 'rw', cached: true, purpose: 'region', source: 'rx_ring' },
        { vaddr: 0x3000_1000, size: 0x1000, frame: 'frame_rx_1', paddr: 0x8040_1000, perms: 'rw', cached: true, purpose: 'region', source: 'rx_ring' },
        { vaddr: 0x4000_0000, size: 0x1000, frame: 'frame_uart', paddr: 0x1000_0000, perms: 'rw', cached: false, purpose: 'mmio', source: '/soc/serial@10000000' },
        { vaddr: 0x4000_1000, size: 0x1000, frame: 'frame_test', paddr: 0x10_0000, perms: 'rw', cached: false, purpose: 'mmio', source: '/soc/test@100000' },
      ],
    }),
    component('client', 1, 100, {
      channels: [{ id: 3, name: 'serial', peer: 'uart-driver', peerId: 0, notify: true, ppc: 'caller' }],
      vspace: [
        { vaddr: 0x3000_0000, size: 0x1000, frame: 'frame_rx_0', paddr: 0x8040_0000, perms: 'r', cached: true, purpose: 'region', source: 'rx_ring' },
        { vaddr: 0x3000_1000, size: 0x1000, frame: 'frame_rx_1', paddr: 0x8040_1000, perms: 'r', cached: true, purpose: 'region', source: 'rx_ring' },
      ],
    }),
  ],
  grants: [
    { component: 'uart-driver', kind: 'irq', device: '/soc/serial@10000000', paddr: 0, size: 0, vaddr: 0, perms: '', cached: false, irq: 10, channel: 1 },
    { component: 'uart-driver', kind: 'mmio', device: '/soc/serial@10000000', paddr: 0x1000_0000, size: 0x1000, vaddr: 0x4000_0000, perms: 'rw', cached: false, irq: null, channel: null },
    { component: 'uart-driver', kind: 'mmio', device: '/soc/test@100000', paddr: 0x10_0000, size: 0x1000, vaddr: 0x4000_1000, perms: 'rw', cached: false, irq: null, channel: null },
  ],
  invocations: [],
  utilisation: { ramBytes: 0, ramUsedBytes: 0, objectBytes: 0, fillerBytes: 0, objects: 0, rootSlots: 0, perKind: [] },
};

/** Header names as the descriptor would give them. */
export const sampleNames: Readonly<Record<string, HeaderNames>> = {
  'uart-driver': {
    devices: [
      { path: '/soc/serial@10000000', name: 'uart', reg: [{ base: 0x1000_0000, size: 0x100 }] },
      { path: '/soc/test@100000', name: 'test', reg: [{ base: 0x10_0000, size: 0x1000 }] },
    ],
    regions: [{ region: 'rx_ring', name: 'rx' }],
    faultChildren: [{ name: 'client', index: 1 }],
  },
  client: { devices: [], regions: [{ region: 'rx_ring', name: 'rx_ring' }], faultChildren: [] },
};
