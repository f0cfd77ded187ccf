// Device models by `compatible` string. machine.ts walks a node's compatible list in order and
// instantiates the first model found here; nodes with none become inert regions.
import type { PlatformDevice } from '../../../image/platformModel.js';
import type { DeviceContext, MmioDevice } from './device.js';
import { createNs16550a } from './ns16550a.js';
import { createSifivePlic, IRQ_M_EXT, IRQ_S_EXT, PLIC_DEFAULT_NDEV } from './sifivePlic.js';
import { createGoldfishRtc } from './goldfishRtc.js';
import { createSifiveTest } from './sifiveTest.js';
import { createClint } from './clint.js';

export type { AccessSize, Clock, DeviceContext, GuestError, GuestErrorLog, HostSink, IrqLine, MmioDevice } from './device.js';
export { createInertDevice, type InertDevice } from './inert.js';

/** Host-side inputs some models take. */
export interface DeviceHostOptions {
  /** Bytes for the (first) UART's receive side. */
  readonly uartInput?: Uint8Array;
  /** Goldfish RTC counter at reset, in ns. */
  readonly rtcEpochNanoseconds?: bigint;
}

export type DeviceFactory = (context: DeviceContext, node: PlatformDevice, host: DeviceHostOptions) => MmioDevice;

function createPlicFromNode(context: DeviceContext, node: PlatformDevice): MmioDevice {
  const ndev = context.cellProperty?.('riscv,ndev')?.[0] ?? PLIC_DEFAULT_NDEV;
  // `interrupts-extended` names one (hart controller, interrupt) pair per context.
  const contexts = node.interrupts.length > 0 ? node.interrupts : [IRQ_M_EXT, IRQ_S_EXT];
  return createSifivePlic(context, { ndev, contexts });
}

function createClintFromNode(context: DeviceContext, node: PlatformDevice): MmioDevice {
  // Two entries per hart in `interrupts-extended`: software (3) and timer (7).
  return createClint(context, Math.max(1, node.interrupts.length >>> 1));
}

/** Compatible string → model. */
export const deviceFactories: Readonly<Record<string, DeviceFactory>> = {
  ns16550a: (context, _node, host) => createNs16550a(context, host.uartInput),
  ns16550: (context, _node, host) => createNs16550a(context, host.uartInput),
  'sifive,plic-1.0.0': createPlicFromNode,
  'riscv,plic0': createPlicFromNode,
  'google,goldfish-rtc': (context, _node, host) =>
    createGoldfishRtc(context, host.rtcEpochNanoseconds === undefined ? {} : { epochNanoseconds: host.rtcEpochNanoseconds }),
  'sifive,test0': (context) => createSifiveTest(context),
  'sifive,test1': (context) => createSifiveTest(context),
  'sifive,clint0': createClintFromNode,
  'riscv,clint0': createClintFromNode,
};

/** The first of `compatible` that has a model, in the node's order, or undefined. */
export function findDeviceFactory(
  compatible: readonly string[],
): { readonly compatible: string; readonly factory: DeviceFactory } | undefined {
  for (const name of compatible) {
    const factory = Object.prototype.hasOwnProperty.call(deviceFactories, name) ? deviceFactories[name] : undefined;
    if (factory) return { compatible: name, factory };
  }
  return undefined;
}
