// The platform model's rules at their edges, on small trees compiled by dtc: interrupt specifiers
// (interrupts-extended, GIC types, stacked controllers, loops), RAM merging and subtraction at
// touching ends, memory nodes, aliases, labels, stdout-path, the timebase, device lookup at a
// device's first and last byte. Each platform is computed inside its test (mutation testing).
import { describe, expect, it } from 'vitest';
import { deviceAt, findDevice, isEnabled, platformSummary } from '../../image/platform.js';
import { ONE_CELL, device, messages, platformCompiler } from './platformTrees.js';

const platformOf = platformCompiler('platform-edges');

describe('interrupts-extended', () => {
  it('takes each specifier with its controller’s cell count, up to an exact fit', () => {
    const p = platformOf(`${ONE_CELL}
      a: a { interrupt-controller; #interrupt-cells = <1>; phandle = <1>; };
      b: b { interrupt-controller; #interrupt-cells = <2>; phandle = <2>; };
      dev@100 { reg = <0x100 0x10>; interrupts-extended = <1 5 2 6 0 1 7>; };`);
    expect(device(p, '/dev@100')).toMatchObject({
      interrupts: [5, 6, 7],
      interruptParent: '/a',
      interruptTargets: [{ controller: '/a', interrupt: 5 }, { controller: '/b', interrupt: 6 }, { controller: '/a', interrupt: 7 }],
    });
    expect(p.diagnostics).toEqual([]);
  });

  it('stops at a specifier one cell short, at an unknown phandle and at a controller without cells', () => {
    const p = platformOf(`${ONE_CELL}
      b { interrupt-controller; #interrupt-cells = <2>; phandle = <2>; };
      z { interrupt-controller; #interrupt-cells = <0>; phandle = <3>; };
      n { interrupt-controller; phandle = <4>; };
      short@100 { reg = <0x100 0x10>; interrupts-extended = <2 5 0 2 6>; };
      unknown@200 { reg = <0x200 0x10>; interrupts-extended = <2 5 0 9 1>; };
      zero@300 { reg = <0x300 0x10>; interrupts-extended = <3 1>; };
      none@400 { reg = <0x400 0x10>; interrupts-extended = <4 1>; };`);
    expect(device(p, '/short@100')).toMatchObject({ interrupts: [5], interruptParent: '/b' });
    expect(device(p, '/unknown@200')).toMatchObject({ interrupts: [5], interruptParent: '/b' });
    expect(device(p, '/zero@300')).toMatchObject({ interrupts: [], interruptParent: null });
    expect(device(p, '/none@400')).toMatchObject({ interrupts: [], interruptParent: null });
    expect(messages(p)).toEqual([
      "KC2202: interrupts of '/short@100' cannot be resolved: '/b' has no usable '#interrupt-cells' for 'interrupts-extended'",
      "KC2202: interrupts of '/unknown@200' cannot be resolved: 'interrupts-extended' names phandle 0x9, which no node has",
      "KC2202: interrupts of '/zero@300' cannot be resolved: '/z' has no usable '#interrupt-cells' for 'interrupts-extended'",
      "KC2202: interrupts of '/none@400' cannot be resolved: '/n' has no usable '#interrupt-cells' for 'interrupts-extended'",
    ]);
  });

  it('is preferred over interrupts', () => {
    const p = platformOf(`${ONE_CELL} interrupt-parent = <1>;
      a { interrupt-controller; #interrupt-cells = <1>; phandle = <1>; };
      b { interrupt-controller; #interrupt-cells = <1>; phandle = <2>; };
      dev@100 { reg = <0x100 0x10>; interrupts = <3>; interrupts-extended = <2 4>; };`);
    expect(device(p, '/dev@100')).toMatchObject({ interrupts: [4], interruptParent: '/b' });
  });
});

describe('GIC interrupt numbers', () => {
  const gic = (specifiers: string, cells = 3) => platformOf(`${ONE_CELL} interrupt-parent = <1>;
      gic@1000 { compatible = "arm,gic-v3"; reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <${cells}>; phandle = <1>; };
      dev@100 { reg = <0x100 0x10>; interrupts = <${specifiers}>; };`);

  it('adds 32 to an SPI, 16 to a PPI, 4096 to an extended SPI, 1056 to an extended PPI, nothing to other types', () => {
    expect(device(gic('0 5 4  1 5 4  2 5 4  3 5 4  4 5 4'), '/dev@100').interrupts).toEqual([37, 21, 4101, 1061, 5]);
  });

  it('takes the first cell of a GIC specifier shorter than three cells', () => {
    expect(device(gic('0 5', 2), '/dev@100').interrupts).toEqual([0]);
    expect(device(gic('7', 1), '/dev@100').interrupts).toEqual([7]);
  });

  it('numbers a 3-cell controller stacked on a GIC as a GIC, and one that is not as its first cell', () => {
    const p = platformOf(`${ONE_CELL}
      gic@1000 { compatible = "arm,cortex-a15-gic"; reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <3>; phandle = <1>; };
      gpc@2000 { compatible = "fsl,imx6q-gpc"; reg = <0x2000 0x100>; interrupt-controller; #interrupt-cells = <3>; interrupt-parent = <1>; phandle = <2>; };
      other@3000 { compatible = "vendor,intc"; reg = <0x3000 0x100>; interrupt-controller; #interrupt-cells = <3>; phandle = <3>; };
      two@4000 { compatible = "vendor,intc2"; reg = <0x4000 0x100>; interrupt-controller; #interrupt-cells = <2>; interrupt-parent = <1>; phandle = <4>; };
      a@100 { reg = <0x100 0x10>; interrupt-parent = <2>; interrupts = <0 9 4>; };
      b@200 { reg = <0x200 0x10>; interrupt-parent = <3>; interrupts = <0 9 4>; };
      c@300 { reg = <0x300 0x10>; interrupt-parent = <4>; interrupts = <9 4>; };`);
    expect(device(p, '/a@100').interrupts).toEqual([41]);
    expect(device(p, '/b@200').interrupts).toEqual([0]);
    expect(device(p, '/c@300').interrupts).toEqual([9]);
  });

  it('recognises "gic" in any case and position of a compatible', () => {
    const p = platformOf(`${ONE_CELL} interrupt-parent = <1>;
      intc@1000 { compatible = "vendor,none", "qcom,msm-qGIC2"; reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <3>; phandle = <1>; };
      dev@100 { reg = <0x100 0x10>; interrupts = <1 2 4>; };`);
    expect(device(p, '/dev@100').interrupts).toEqual([18]);
  });

  it('does not loop on 3-cell controllers that name each other as parent', () => {
    const p = platformOf(`${ONE_CELL}
      x@1000 { reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <3>; interrupt-parent = <2>; phandle = <1>; };
      y@2000 { reg = <0x2000 0x100>; interrupt-controller; #interrupt-cells = <3>; interrupt-parent = <1>; phandle = <2>; };
      self@3000 { reg = <0x3000 0x100>; interrupt-controller; #interrupt-cells = <3>; interrupt-parent = <3>; phandle = <3>; };
      a@100 { reg = <0x100 0x10>; interrupt-parent = <1>; interrupts = <0 9 4>; };
      b@200 { reg = <0x200 0x10>; interrupt-parent = <3>; interrupts = <0 9 4>; };`);
    expect(device(p, '/a@100').interrupts).toEqual([0]);
    expect(device(p, '/b@200').interrupts).toEqual([0]);
  });
});

describe('interrupts through interrupt-parent', () => {
  it('reports an interrupt-parent chain that loops', () => {
    const p = platformOf(`${ONE_CELL}
      x { interrupt-parent = <2>; phandle = <1>; };
      y { interrupt-parent = <1>; phandle = <2>; };
      dev@100 { reg = <0x100 0x10>; interrupt-parent = <1>; interrupts = <3>; };`);
    expect(device(p, '/dev@100')).toMatchObject({ interrupts: [], interruptParent: null });
    expect(messages(p)).toEqual(["KC2202: interrupts of '/dev@100' cannot be resolved: the interrupt-parent chain loops"]);
  });

  it('reports a controller with zero interrupt cells and a property of the wrong length', () => {
    const p = platformOf(`${ONE_CELL}
      z { interrupt-controller; #interrupt-cells = <0>; phandle = <1>; };
      t { interrupt-controller; #interrupt-cells = <2>; phandle = <2>; };
      zero@100 { reg = <0x100 0x10>; interrupt-parent = <1>; interrupts = <3>; };
      odd@200 { reg = <0x200 0x10>; interrupt-parent = <2>; interrupts = <3 1 4>; };`);
    expect(device(p, '/zero@100')).toMatchObject({ interrupts: [], interruptParent: '/z' });
    expect(device(p, '/odd@200')).toMatchObject({ interrupts: [3], interruptParent: '/t' });
    expect(messages(p)).toEqual([
      "KC2202: interrupts of '/zero@100' cannot be resolved: '#interrupt-cells' of '/z' is not a positive cell count",
      "KC2204: 'interrupts' of '/odd@200' has 12 bytes, not a whole number of 8-byte entries",
    ]);
  });

  it('finds phandles under linux,phandle, the first node of a duplicate phandle winning', () => {
    const p = platformOf(`${ONE_CELL}
      a { interrupt-controller; #interrupt-cells = <1>; linux,phandle = <7>; };
      b { interrupt-controller; #interrupt-cells = <1>; phandle = <7>; };
      dev@100 { reg = <0x100 0x10>; interrupt-parent = <7>; interrupts = <3>; };`, '', ['-f']);
    expect(device(p, '/dev@100').interruptParent).toBe('/a');
    expect(device(p, '/dev@100').phandle).toBeNull();
  });

  it('records the phandle of a device and whether it is an interrupt controller', () => {
    const p = platformOf(`${ONE_CELL}
      intc@1000 { reg = <0x1000 0x10>; interrupt-controller; #interrupt-cells = <1>; phandle = <5>; };
      plain@2000 { reg = <0x2000 0x10>; };`);
    expect(device(p, '/intc@1000')).toMatchObject({ phandle: 5, isInterruptController: true });
    expect(device(p, '/plain@2000')).toMatchObject({ phandle: null, isInterruptController: false });
  });

  it('a device with interrupts but no reg is a device', () => {
    const p = platformOf(`${ONE_CELL} interrupt-parent = <1>;
      intc { interrupt-controller; #interrupt-cells = <1>; phandle = <1>; };
      timer { interrupts = <4>; };`);
    expect(device(p, '/timer')).toMatchObject({ reg: [], interrupts: [4], regProblem: null });
  });
});

describe('reg', () => {
  it('uses two address cells and one size cell when a bus does not say', () => {
    const p = platformOf(`dev@1 { reg = <0x1 0x1000 0x20>; };`);
    expect(device(p, '/dev@1').reg).toEqual([{ base: 0x1_0000_1000, size: 0x20 }]);
  });

  it('is not translated on a bus with zero address or size cells', () => {
    const p = platformOf(`#address-cells = <1>; #size-cells = <1>;
      noaddr { #address-cells = <0>; #size-cells = <1>; ranges; dev { reg = <0x10>; }; };
      nosize { #address-cells = <1>; #size-cells = <0>; ranges; dev@5 { reg = <0x5>; }; };`);
    expect(p.devices).toEqual([]);
    expect(p.otherNodes['/noaddr/dev']).toBe('noResources');
    expect(p.otherNodes['/nosize/dev@5']).toBe('unmappedBus');
    expect(p.diagnostics).toEqual([]);
  });

  it('keeps the first problem of a node as its regProblem, and every translatable entry', () => {
    const p = platformOf(`${ONE_CELL}
      bus { ${ONE_CELL} ranges = <0x0 0x10000 0x100>;
        dev@0 { reg = <0x0 0x10 0x200 0x10 0x300 0x10 0x80 0x10>; }; };`);
    expect(device(p, '/bus/dev@0')).toMatchObject({
      reg: [{ base: 0x10000, size: 0x10 }, { base: 0x10080, size: 0x10 }],
      regProblem: "'reg' of '/bus/dev@0' cannot be translated to CPU addresses: address 0x200 is outside every 'ranges' entry of '/bus'",
    });
    expect(p.diagnostics).toHaveLength(2);
  });

  it('accepts a range ending exactly at 2^53 and refuses one a byte longer', () => {
    const p = platformOf(`#address-cells = <2>; #size-cells = <2>;
      fits@1fffff,fffff000 { reg = <0x1fffff 0xfffff000 0x0 0x1000>; };
      over@1fffff,fffff000 { reg = <0x1fffff 0xfffff000 0x0 0x1001>; };`);
    expect(device(p, '/fits@1fffff,fffff000').reg).toEqual([{ base: 2 ** 53 - 0x1000, size: 0x1000 }]);
    expect(findDevice(p, '/over@1fffff,fffff000').kind).toBe('notFound');
    expect(messages(p)).toEqual([
      "KC2205: address range '0x1ffffffffff000' + '0x1001' of '/over@1fffff,fffff000' does not fit below 2^53 and is left out",
    ]);
  });
});

describe('memory and reserved memory', () => {
  it('merges touching and overlapping memory, keeps a gap, and drops empty ranges', () => {
    const p = platformOf(`${ONE_CELL}
      memory@1000 { device_type = "memory"; reg = <0x1000 0x1000  0x2000 0x1000  0x2800 0x100  0x4000 0x1000  0x6000 0x0>; };`);
    expect(p.memory).toEqual([{ base: 0x1000, size: 0x2000 }, { base: 0x4000, size: 0x1000 }]);
    // One byte apart: not merged.
    expect(platformOf(`${ONE_CELL} memory@1000 { device_type = "memory"; reg = <0x1000 0xfff 0x2000 0x1000>; };`).memory).toEqual([
      { base: 0x1000, size: 0xfff },
      { base: 0x2000, size: 0x1000 },
    ]);
    // A range inside another at the same base, listed longest first.
    expect(platformOf(`${ONE_CELL} memory@1000 { device_type = "memory"; reg = <0x1000 0x3000 0x1000 0x1000 0x1800 0x100>; };`).memory).toEqual([
      { base: 0x1000, size: 0x3000 },
    ]);
  });

  it('subtracts holes at RAM’s start, end, middle and one covering a whole range', () => {
    const p = platformOf(`${ONE_CELL}
      memory@10000 { device_type = "memory"; reg = <0x10000 0x10000 0x40000 0x1000>; };
      reserved-memory { ${ONE_CELL} ranges;
        a@10000 { reg = <0x10000 0x1000>; };
        b@14000 { reg = <0x14000 0x1000>; };
        c@1f000 { reg = <0x1f000 0x1000>; };
        d@3f000 { reg = <0x3f000 0x3000>; };
        e@20000 { reg = <0x20000 0x1000>; }; };`);
    expect(p.ram).toEqual([{ base: 0x11000, size: 0x3000 }, { base: 0x15000, size: 0xa000 }]);
    expect(p.reserved).toEqual([
      { base: 0x10000, size: 0x1000 },
      { base: 0x14000, size: 0x1000 },
      { base: 0x1f000, size: 0x2000 },
      { base: 0x3f000, size: 0x3000 },
    ]);
  });

  it('leaves RAM whole when a hole only touches it', () => {
    const p = platformOf(`${ONE_CELL}
      memory@10000 { device_type = "memory"; reg = <0x10000 0x1000>; };
      reserved-memory { ${ONE_CELL} ranges; a@f000 { reg = <0xf000 0x1000>; }; b@11000 { reg = <0x11000 0x1000>; }; };`);
    expect(p.ram).toEqual([{ base: 0x10000, size: 0x1000 }]);
    // A hole ending exactly at RAM's end leaves no empty range behind.
    const tail = platformOf(`${ONE_CELL}
      memory@10000 { device_type = "memory"; reg = <0x10000 0x1000>; };
      reserved-memory { ${ONE_CELL} ranges; a@10800 { reg = <0x10800 0x800>; }; };`);
    expect(tail.ram).toEqual([{ base: 0x10000, size: 0x800 }]);
  });

  it('cuts a reservation past 2^53 at 2^53 (memreserve and reserved-memory) and drops one starting there', () => {
    const p = platformOf(
      `#address-cells = <2>; #size-cells = <2>;
      reserved-memory { #address-cells = <2>; #size-cells = <2>; ranges;
        top@1fffff,fffff000 { reg = <0x1fffff 0xfffff000 0x0 0x2000>; }; };`,
      '/memreserve/ 0xffffffff 0xffffffff00000001;\n/memreserve/ 0x20000000000000 0x1000;',
    );
    expect(p.reserved).toEqual([
      { base: 0xffff_ffff, size: 2 ** 53 - 0xffff_ffff },
    ]);
    expect(messages(p)).toEqual([
      "KC2205: address range '0x20000000000000' + '0x1000' of '/memreserve/' does not fit below 2^53 and is left out",
    ]);
  });

  it('knows memory nodes by device_type, or by the name memory directly under the root', () => {
    const p = platformOf(`${ONE_CELL}
      memory { reg = <0x1000 0x1000>; };
      ram@8000 { device_type = "memory"; reg = <0x8000 0x1000>; };
      soc { ${ONE_CELL} ranges; memory@20000 { reg = <0x20000 0x1000>; }; };
      memoryx@30000 { reg = <0x30000 0x1000>; };`);
    expect(p.memory).toEqual([{ base: 0x1000, size: 0x1000 }, { base: 0x8000, size: 0x1000 }]);
    expect(p.devices.map((d) => d.path)).toEqual(['/memoryx@30000', '/soc/memory@20000']);
    expect(p.otherNodes['/memory']).toBe('memory');
    expect(p.otherNodes['/ram@8000']).toBe('memory');
  });

  it('ignores __symbols__ and the overlay fixup nodes', () => {
    const p = platformOf(`${ONE_CELL}
      __fixups__ { reg = <0x1000 0x10>; };
      __local_fixups__ { reg = <0x2000 0x10>; };
      __symbols__ { reg = <0x3000 0x10>; };`);
    expect(p.devices).toEqual([]);
    expect(Object.keys(p.otherNodes)).toEqual(['/']);
  });
});

describe('aliases, labels and stdout-path', () => {
  it('keeps aliases and labels that are paths, sorted per device', () => {
    const p = platformOf(`${ONE_CELL}
      aliases { serial1 = "/uart@100"; serial0 = "/uart@100"; name = "/uart@100"; phandle = <0x2f000000>; bad = "uart@100"; };
      __symbols__ { zlabel = "/uart@100"; alabel = "/uart@100"; rel = "uart@100"; };
      uart@100 { reg = <0x100 0x10>; };`, '', ['-f']);
    expect(p.aliases).toEqual({ serial1: '/uart@100', serial0: '/uart@100' });
    expect(p.labels).toEqual({ zlabel: '/uart@100', alabel: '/uart@100' });
    expect(device(p, '/uart@100')).toMatchObject({ aliases: ['serial0', 'serial1'], labels: ['alabel', 'zlabel'] });
  });

  it('skips a linux,phandle property of the aliases node', () => {
    const p = platformOf(`${ONE_CELL} aliases { linux,phandle = "/uart@100"; u = "/uart@100"; }; uart@100 { reg = <0x100 0x10>; };`, '', ['-f']);
    expect(p.aliases).toEqual({ u: '/uart@100' });
  });

  it('resolves stdout-path by path or alias, without its options, and gives null for what does not exist', () => {
    const stdout = (chosen: string) => platformOf(`${ONE_CELL}
      aliases { serial0 = "/uart@100"; ghost = "/nothing"; };
      chosen { ${chosen} };
      uart@100 { reg = <0x100 0x10>; };`).stdoutPath;
    expect(stdout('stdout-path = "serial0:115200n8";')).toBe('/uart@100');
    expect(stdout('stdout-path = "/uart@100";')).toBe('/uart@100');
    expect(stdout('linux,stdout-path = "/uart@100";')).toBe('/uart@100');
    expect(stdout('stdout-path = "serial0"; linux,stdout-path = "/nothing";')).toBe('/uart@100');
    expect(stdout('stdout-path = "serial9";')).toBeNull();
    expect(stdout('stdout-path = "ghost";')).toBeNull();
    expect(stdout('stdout-path = "/nothing";')).toBeNull();
    expect(stdout('')).toBeNull();
  });

  it('reads the timebase from /cpus or else the first cpu, as one or two cells', () => {
    const timebase = (cpus: string, cpu: string) => platformOf(`cpus { #address-cells = <1>; #size-cells = <0>; ${cpus}
        other { timebase-frequency = <5>; };
        cpu@0 { device_type = "cpu"; reg = <0>; ${cpu} }; };`).timebaseFrequency;
    expect(timebase('timebase-frequency = <1000>;', 'timebase-frequency = <2000>;')).toBe(1000);
    expect(timebase('', 'timebase-frequency = <2000>;')).toBe(2000);
    expect(timebase('timebase-frequency = /bits/ 64 <0x100000000>;', '')).toBe(2 ** 32);
    expect(timebase('timebase-frequency = /bits/ 16 <7>;', 'timebase-frequency = <3>;')).toBe(3);
    expect(timebase('', '')).toBeNull();
    expect(platformOf('model = "m"; compatible = "a", "b";')).toMatchObject({ timebaseFrequency: null, model: 'm', compatible: ['a', 'b'], stdoutPath: null });
    expect(platformOf('')).toMatchObject({ model: null, compatible: [] });
  });
});

describe('finding devices', () => {
  const p = () => platformOf(`${ONE_CELL}
    aliases { gone = "/nothing"; };
    a@100 { compatible = "x,dev", "x,common"; reg = <0x100 0x10>; };
    b@200 { compatible = "x,common"; reg = <0x200 0x10>; status = "ok"; };
    c@300 { compatible = "x,dev"; reg = <0x300 0x10>; status = "disabled"; };
    d@400 { compatible = "x,alone"; reg = <0x400 0x10>; status = "fail"; };`);

  it('matches a compatible on enabled devices only ("okay" or "ok")', () => {
    const platform = p();
    expect(findDevice(platform, 'x,dev')).toMatchObject({ kind: 'found', via: 'compatible', device: { path: '/a@100' } });
    expect(findDevice(platform, 'x,common')).toEqual({ kind: 'ambiguous', ref: 'x,common', candidates: ['/a@100', '/b@200'] });
    expect(findDevice(platform, 'x,alone')).toEqual({ kind: 'notFound', ref: 'x,alone' });
    expect(findDevice(platform, 'gone')).toEqual({ kind: 'notFound', ref: 'gone' });
    expect(findDevice(platform, '/nothing')).toEqual({ kind: 'notFound', ref: '/nothing' });
    expect(device(platform, '/a@100').status).toBe('okay');
    expect(platform.devices.map(isEnabled)).toEqual([true, true, false, false]);
  });

  it('finds the device at its first and last byte, and none just outside', () => {
    const platform = p();
    expect(deviceAt(platform, 0x100)?.path).toBe('/a@100');
    expect(deviceAt(platform, 0x10f)?.path).toBe('/a@100');
    expect(deviceAt(platform, 0x110)).toBeUndefined();
    expect(deviceAt(platform, 0xff)).toBeUndefined();
  });

  it('summarises reserved memory and every device field as dt --format json prints it', () => {
    const summary = platformSummary(platformOf(`${ONE_CELL} model = "m"; compatible = "v,b";
      memory@1000 { device_type = "memory"; reg = <0x1000 0x2000>; };
      reserved-memory { ${ONE_CELL} ranges; r@1000 { reg = <0x1000 0x100>; }; };
      d@a000 { compatible = "v,d"; reg = <0xa000 0x10>; status = "disabled"; };`));
    expect(summary).toEqual({
      model: 'm',
      compatible: ['v,b'],
      memory: [{ base: '0x1000', size: '0x2000' }],
      reserved: [{ base: '0x1000', size: '0x100' }],
      devices: [{ path: '/d@a000', compatible: ['v,d'], status: 'disabled', reg: [{ base: '0xa000', size: '0x10' }], interrupts: [], interruptParent: null }],
    });
  });
});
