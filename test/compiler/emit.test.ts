// The emit stage: kaal_system.h and the linker script rendered from a plan (compiler/emit.ts).
import { describe, expect, it } from 'vitest';
import { COMPONENT_LINK_ADDRESS, emitComponents, headerSha256, headerView, hex32, macroName, renderHeader, renderLinkerScript } from '../../compiler/emit.js';
import { FAULT_BADGE_FLAG, InvocationLabel, PPC_BADGE_FLAG, Slot } from '../../schema/abi.js';
import type { Diagnostic } from '../../schema/diagnostics.js';
import { sampleNames, samplePlan } from './samplePlan.js';

const driver = samplePlan.components[0]!;
const client = samplePlan.components[1]!;

function define(header: string, name: string): string | undefined {
  return new RegExp(`^#define ${name} (\\S+)`, 'm').exec(header)?.[1];
}

describe('kaal_system.h', () => {
  const { components, diagnostics } = emitComponents(samplePlan, (c) => sampleNames[c.name]!);
  const driverHeader = components[0]!.header;
  const clientHeader = components[1]!.header;

  it('renders one header and one linker script per component, in plan order, without problems', () => {
    expect(components.map((c) => c.name)).toEqual(['uart-driver', 'client']);
    expect(diagnostics).toEqual([]);
  });

  it('names the component and system', () => {
    expect(define(driverHeader, 'KAAL_COMPONENT_NAME')).toBe('"uart-driver"');
    expect(define(driverHeader, 'KAAL_SYSTEM_NAME')).toBe('"sample"');
    expect(define(clientHeader, 'KAAL_COMPONENT_INDEX')).toBe('1');
    expect(define(driverHeader, 'KAAL_PRIORITY')).toBe('150');
  });

  it('takes the slot layout, badges and labels from schema/abi.ts', () => {
    expect(define(driverHeader, 'KAAL_SLOT_INPUT')).toBe(String(Slot.input));
    expect(define(driverHeader, 'KAAL_SLOT_NOTIFY_BASE')).toBe('10');
    expect(define(driverHeader, 'KAAL_SLOT_PPC_BASE')).toBe('74');
    expect(define(driverHeader, 'KAAL_SLOT_IRQ_BASE')).toBe(String(Slot.irqBase));
    expect(define(driverHeader, 'KAAL_PPC_BADGE_FLAG')).toBe(`${hex32(PPC_BADGE_FLAG)}u`);
    expect(define(driverHeader, 'KAAL_PPC_CHANNEL_MASK')).toBe('0x07ffffffu');
    expect(define(driverHeader, 'KAAL_FAULT_BADGE_FLAG')).toBe(`${hex32(FAULT_BADGE_FLAG)}u`);
    expect(define(driverHeader, 'KAAL_LABEL_IRQ_ACK_IRQ')).toBe(String(InvocationLabel.IRQAckIRQ));
  });

  it('gives each channel end its own id: the same channel is 0 at the server and 3 at the caller', () => {
    expect(define(driverHeader, 'KAAL_CH_SERIAL')).toBe('0');
    expect(define(clientHeader, 'KAAL_CH_SERIAL')).toBe('3');
  });

  it('names IRQ channels after the device grant', () => {
    expect(define(driverHeader, 'KAAL_IRQ_CH_UART')).toBe('1');
    expect(clientHeader).not.toContain('#define KAAL_IRQ_CH_');
  });

  it('gives MMIO constants the address and size of the registers, not of the page', () => {
    expect(define(driverHeader, 'KAAL_MMIO_UART_VADDR')).toBe('0x40000000u');
    expect(define(driverHeader, 'KAAL_MMIO_UART_SIZE')).toBe('0x00000100u');
    expect(define(driverHeader, 'KAAL_MMIO_TEST_VADDR')).toBe('0x40001000u');
  });

  it('adds the offset into the page for registers that do not start on a page boundary', () => {
    const names = {
      ...sampleNames['uart-driver']!,
      devices: [{ path: '/soc/serial@10000000', name: 'uart', reg: [{ base: 0x1000_0100, size: 0x20 }] }],
    };
    const view = headerView(samplePlan, driver, names);
    expect(view.mmio.find((m) => m.macro === 'UART')).toMatchObject({ vaddr: '0x40000100', size: '0x00000020', paddr: '0x10000100' });
  });

  it('merges a region\'s pages into one constant pair under the mapping\'s name', () => {
    expect(define(driverHeader, 'KAAL_REGION_RX_VADDR')).toBe('0x30000000u');
    expect(define(driverHeader, 'KAAL_REGION_RX_SIZE')).toBe('0x00002000u');
    expect(define(clientHeader, 'KAAL_REGION_RX_RING_VADDR')).toBe('0x30000000u');
  });

  it('gives the stack and IPC buffer from the TCB plan', () => {
    expect(define(driverHeader, 'KAAL_STACK_TOP')).toBe('0x7ffff000u');
    expect(define(driverHeader, 'KAAL_STACK_SIZE')).toBe('0x00002000u');
    expect(define(driverHeader, 'KAAL_IPC_BUFFER_VADDR')).toBe('0x7fffe000u');
  });

  it('lists the components whose faults this one handles', () => {
    expect(define(driverHeader, 'KAAL_CHILD_CLIENT')).toBe('1');
    expect(clientHeader).not.toContain('#define KAAL_CHILD_');
  });

  it('states its own hash, which changes with any constant', () => {
    const hash = headerSha256(driverHeader);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(renderHeader(headerView(samplePlan, driver, sampleNames['uart-driver']!))).toBe(driverHeader);
    const moved = { ...samplePlan, grants: samplePlan.grants.map((g) => (g.kind === 'mmio' ? { ...g, vaddr: g.vaddr + 0x10_0000 } : g)) };
    const other = renderHeader(headerView(moved, driver, sampleNames['uart-driver']!));
    expect(headerSha256(other)).not.toBe(hash);
  });

  it('reports two names that become the same C constant (KC5005)', () => {
    const diagnostics: Diagnostic[] = [];
    const clashing = {
      ...client,
      channels: [
        { id: 0, name: 'to-server', peer: 'a', peerId: 0, notify: true, ppc: 'none' as const },
        { id: 1, name: 'to_server', peer: 'b', peerId: 0, notify: true, ppc: 'none' as const },
      ],
    };
    headerView(samplePlan, clashing, sampleNames.client!, diagnostics);
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC5005', "component 'client': channel 'to-server' and channel 'to_server' both become the header constant 'KAAL_CH_TO_SERVER'"],
    ]);
  });

  it('turns names into C identifiers', () => {
    expect(macroName('uart-driver')).toBe('UART_DRIVER');
    expect(macroName('rx_ring2')).toBe('RX_RING2');
  });
});

describe('component linker script', () => {
  const script = renderLinkerScript('sample', 'client');

  it('links code at the documented address', () => {
    expect(COMPONENT_LINK_ADDRESS).toBe(0x0001_0000);
    expect(script).toContain('. = 0x00010000;');
    expect(script).toContain('ENTRY(_start)');
  });

  it('declares text r-x, rodata r-- and data rw- segments and none writable and executable', () => {
    expect([...script.matchAll(/PT_LOAD FLAGS\((\d)\)/g)].map((m) => Number(m[1]))).toEqual([5, 4, 6]);
  });

  it('page-aligns each segment', () => {
    expect(script.match(/\. = ALIGN\(0x00001000\);/g)).toHaveLength(2);
  });
});
