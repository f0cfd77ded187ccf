// The platform model: RAM, reserved memory, devices with `reg` translated through `ranges` and
// interrupts resolved through their controllers, checked against values read by hand in the sources.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeFdt } from '../../image/fdt/decodeFdt.js';
import { encodeFdt } from '../../image/fdt/encodeFdt.js';
import { deviceAt, findDevice, platformFromFdt, platformSummary } from '../../image/platform.js';
import type { Platform, PlatformDevice } from '../../image/platformModel.js';
import { compileCorpus, compileDtsText, compileWithDtc } from './fdt/corpus.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bundledDts = path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dts');
const bundledDtb = path.join(repoRoot, 'fixtures/platforms/kaal-virt-rv32.dtb');

let corpus: ReturnType<typeof compileCorpus>;
beforeAll(() => {
  corpus = compileCorpus();
});
afterAll(() => corpus?.cleanup());

function platformOf(name: string): Platform {
  const tree = corpus.trees.find((t) => t.name === name);
  if (tree === undefined) throw new Error(`no corpus tree ${name}`);
  return platformFromFdt(decodeFdt(tree.dtb));
}

function device(platform: Platform, ref: string): PlatformDevice {
  const lookup = findDevice(platform, ref);
  if (lookup.kind !== 'found') throw new Error(`${ref}: ${lookup.kind}`);
  return lookup.device;
}

function inline(name: string, body: string): Platform {
  return platformFromFdt(decodeFdt(compileDtsText(corpus.tempDir, name, `/dts-v1/;\n/ {\n${body}\n};\n`)));
}

describe('platformFromFdt over the corpus', () => {
  it('computes the model of every corpus tree without throwing, with devices sorted by path', () => {
    expect(corpus.trees.length).toBe(24);
    for (const tree of corpus.trees) {
      const platform = platformFromFdt(decodeFdt(tree.dtb));
      const paths = platform.devices.map((d) => d.path);
      expect(paths, tree.name).toEqual([...paths].sort());
      expect(platform.diagnostics.every((d) => d.severity === 'warning'), tree.name).toBe(true);
    }
  });
});

describe('the bundled platform kaal-virt-rv32', () => {
  const platform = () => platformFromFdt(decodeFdt(new Uint8Array(fs.readFileSync(bundledDtb))));

  it('ships a DTB that dtc -@ produces from its DTS and that our encoder reproduces byte for byte', () => {
    const committed = new Uint8Array(fs.readFileSync(bundledDtb));
    const fresh = compileWithDtc(bundledDts, path.join(corpus.tempDir, 'bundled.dtb'), ['-@']);
    expect(Buffer.from(committed)).toEqual(Buffer.from(fresh));
    expect(Buffer.from(encodeFdt(decodeFdt(committed)))).toEqual(Buffer.from(committed));
  });

  it('has 128 MiB of RAM at 0x8000_0000 and nothing reserved', () => {
    expect(platform().memory).toEqual([{ base: 0x8000_0000, size: 0x800_0000 }]);
    expect(platform().reserved).toEqual([]);
    expect(platform().ram).toEqual([{ base: 0x8000_0000, size: 0x800_0000 }]);
  });

  it('has the UART, RTC, test finisher, PLIC and CLINT at the QEMU virt addresses', () => {
    const p = platform();
    expect(device(p, 'ns16550a')).toMatchObject({
      path: '/soc/serial@10000000',
      reg: [{ base: 0x1000_0000, size: 0x100 }],
      interrupts: [10],
      interruptParent: '/soc/plic@c000000',
      labels: ['uart0'],
      aliases: ['serial0'],
    });
    expect(device(p, 'google,goldfish-rtc')).toMatchObject({ reg: [{ base: 0x10_1000, size: 0x1000 }], interrupts: [11] });
    expect(device(p, 'sifive,test0')).toMatchObject({ path: '/soc/test@100000', reg: [{ base: 0x10_0000, size: 0x1000 }] });
    expect(device(p, 'sifive,plic-1.0.0')).toMatchObject({
      reg: [{ base: 0x0c00_0000, size: 0x60_0000 }],
      isInterruptController: true,
      interruptTargets: [
        { controller: '/cpus/cpu@0/interrupt-controller', interrupt: 11 },
        { controller: '/cpus/cpu@0/interrupt-controller', interrupt: 9 },
      ],
    });
    expect(device(p, 'sifive,clint0')).toMatchObject({ reg: [{ base: 0x0200_0000, size: 0x1_0000 }], interrupts: [3, 7] });
    expect(p.devices.map((d) => d.path)).toEqual([
      '/soc/clint@2000000',
      '/soc/plic@c000000',
      '/soc/rtc@101000',
      '/soc/serial@10000000',
      '/soc/test@100000',
    ]);
  });

  it('resolves stdout-path through the serial0 alias and reads the 10 MHz timebase', () => {
    expect(platform().stdoutPath).toBe('/soc/serial@10000000');
    expect(platform().timebaseFrequency).toBe(10_000_000);
    expect(platform().labels['plic']).toBe('/soc/plic@c000000');
  });

  it('finds the UART by path, alias, label and compatible alike', () => {
    const p = platform();
    expect(findDevice(p, '/soc/serial@10000000')).toMatchObject({ kind: 'found', via: 'path' });
    expect(findDevice(p, 'serial0')).toMatchObject({ kind: 'found', via: 'alias' });
    expect(findDevice(p, 'uart0')).toMatchObject({ kind: 'found', via: 'label' });
    expect(findDevice(p, 'ns16550a')).toMatchObject({ kind: 'found', via: 'compatible' });
    expect(deviceAt(p, 0x1000_0004)?.path).toBe('/soc/serial@10000000');
    expect(deviceAt(p, 0x1000_0100)).toBeUndefined();
  });
});

describe('generated/qemu-riscv-virt32 (QEMU 7.2 dumpdtb)', () => {
  it('has 2 GiB of RAM at 0x8000_0000, the UART at 0x1000_0000 with PLIC source 10, 8 virtio-mmio with sources 1..8', () => {
    const p = platformOf('generated/qemu-riscv-virt32');
    expect(p.model).toBe('riscv-virtio,qemu');
    expect(p.ram).toEqual([{ base: 0x8000_0000, size: 0x8000_0000 }]);
    expect(device(p, 'ns16550a')).toMatchObject({ reg: [{ base: 0x1000_0000, size: 0x100 }], interrupts: [10], interruptParent: '/soc/plic@c000000' });
    expect(device(p, 'google,goldfish-rtc')).toMatchObject({ reg: [{ base: 0x10_1000, size: 0x1000 }], interrupts: [11] });
    const virtio = p.devices.filter((d) => d.compatible.includes('virtio,mmio'));
    expect(virtio.map((d) => [d.reg[0]!.base, d.interrupts[0]])).toEqual([
      [0x1000_1000, 1], [0x1000_2000, 2], [0x1000_3000, 3], [0x1000_4000, 4],
      [0x1000_5000, 5], [0x1000_6000, 6], [0x1000_7000, 7], [0x1000_8000, 8],
    ]);
    expect(device(p, '/soc/pci@30000000').reg).toEqual([{ base: 0x3000_0000, size: 0x1000_0000 }]);
    expect(p.stdoutPath).toBe('/soc/serial@10000000');
    expect(p.timebaseFrequency).toBe(10_000_000);
  });

  it('cuts RAM by the reserved-memory of the seL4 overlays', () => {
    const p = platformOf('qemu-riscv-virt32+overlay-qemu-riscv-virt+overlay-qemu-riscv-virt32');
    // overlay-qemu-riscv-virt.dts reserves 0x8000_0000 + 0x20_0000 (OpenSBI); the riscv32 overlay 0xffff_ffff up.
    expect(p.ram).toEqual([{ base: 0x8020_0000, size: 0x7fdf_ffff }]);
  });
});

describe('rpi4 (BCM2711: bus addresses 0x7e… behind ranges, GIC-400)', () => {
  it('translates /soc peripherals from bus 0x7e… to CPU 0xfe… through the first ranges entry', () => {
    const p = platformOf('rpi4');
    expect(device(p, 'serial0')).toMatchObject({ path: '/soc/serial@7e201000', reg: [{ base: 0xfe20_1000, size: 0x200 }] });
    expect(device(p, '/soc/timer@7e003000').reg).toEqual([{ base: 0xfe00_3000, size: 0x1000 }]);
  });

  it('translates the GIC through the third /soc ranges entry (0x4000_0000 → 0xff80_0000)', () => {
    const gic = device(platformOf('rpi4'), 'arm,gic-400');
    expect(gic.reg.map((r) => r.base)).toEqual([0xff84_1000, 0xff84_2000, 0xff84_4000, 0xff84_6000]);
  });

  it('translates /scb devices with 2 address cells (0x0_7d58_0000 → 0xfd58_0000)', () => {
    expect(device(platformOf('rpi4'), 'ethernet0').reg).toEqual([{ base: 0xfd58_0000, size: 0x1_0000 }]);
  });

  it('numbers GIC SPIs +32 through the inherited interrupt-parent: UART SPI 0x79 is 153, genet SPI 157/158 are 189/190', () => {
    const p = platformOf('rpi4');
    expect(device(p, 'serial0')).toMatchObject({ interrupts: [153], interruptParent: '/soc/interrupt-controller@40041000' });
    expect(device(p, 'ethernet0').interrupts).toEqual([189, 190]);
    expect(device(p, '/soc/timer@7e003000').interrupts).toEqual([96, 97, 98, 99]);
  });

  it('reserves the /memreserve/ page and has no RAM (the firmware fills in memory@0)', () => {
    const p = platformOf('rpi4');
    expect(p.reserved).toEqual([{ base: 0, size: 0x1000 }]);
    expect(p.memory).toEqual([]);
    expect(p.stdoutPath).toBe('/soc/serial@7e215040');
  });
});

describe('hifive (SiFive FU540, PLIC)', () => {
  it('has 8 GiB of RAM at 0x8000_0000 and the UARTs on PLIC sources 4 and 5', () => {
    const p = platformOf('hifive');
    expect(p.ram).toEqual([{ base: 0x8000_0000, size: 0x2_0000_0000 }]);
    expect(device(p, 'serial0')).toMatchObject({
      path: '/soc/serial@10010000',
      reg: [{ base: 0x1001_0000, size: 0x1000 }],
      interrupts: [4],
      interruptParent: '/soc/interrupt-controller@c000000',
    });
    expect(device(p, 'serial1').interrupts).toEqual([5]);
    expect(device(p, '/soc/ethernet@10090000')).toMatchObject({ reg: [{ base: 0x1009_0000, size: 0x2000 }], interrupts: [53] });
    expect(p.stdoutPath).toBe('/soc/serial@10010000');
    expect(p.timebaseFrequency).toBe(1_000_000);
  });

  it('reports sifive,uart0 as ambiguous (two enabled UARTs) with both paths, and an unknown compatible as not found', () => {
    const lookup = findDevice(platformOf('hifive'), 'sifive,uart0');
    expect(lookup).toEqual({ kind: 'ambiguous', ref: 'sifive,uart0', candidates: ['/soc/serial@10010000', '/soc/serial@10011000'] });
    expect(findDevice(platformOf('hifive'), 'nope,nothing')).toEqual({ kind: 'notFound', ref: 'nope,nothing' });
  });

  it('resolves the PLIC interrupts-extended to each hart controller', () => {
    const plic = device(platformOf('hifive'), 'riscv,plic0');
    expect(plic.interruptTargets.slice(0, 3)).toEqual([
      { controller: '/cpus/cpu@0/interrupt-controller', interrupt: 0xffff_ffff },
      { controller: '/cpus/cpu@1/interrupt-controller', interrupt: 0xffff_ffff },
      { controller: '/cpus/cpu@1/interrupt-controller', interrupt: 9 },
    ]);
  });
});

describe('zynqmp (GIC-400, 3-cell specifiers)', () => {
  it('numbers SPI 21 of the first UART as 53 and the timer PPIs 13, 14, 11, 10 as 29, 30, 27, 26', () => {
    const p = platformOf('zynqmp');
    expect(device(p, 'serial0')).toMatchObject({
      path: '/amba/serial@ff000000',
      reg: [{ base: 0xff00_0000, size: 0x1000 }],
      interrupts: [53],
      interruptParent: '/amba_apu@0/interrupt-controller@f9010000',
    });
    expect(device(p, 'arm,armv8-timer')).toMatchObject({ path: '/timer', reg: [], interrupts: [29, 30, 27, 26] });
    expect(p.memory).toEqual([
      { base: 0, size: 0x8000_0000 },
      { base: 0x8_0000_0000, size: 0x8000_0000 },
    ]);
  });
});

describe('address translation and interrupt rules', () => {
  it('translates through nested buses, empty ranges and multiple entries; reports a bus without ranges', () => {
    const p = inline(
      'nested',
      `#address-cells = <1>; #size-cells = <1>;
       outer { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>;
         ranges = <0x0 0x40000000 0x1000 0x8000 0x50000000 0x1000>;
         inner { compatible = "simple-bus"; #address-cells = <1>; #size-cells = <1>; ranges;
           dev@8010 { reg = <0x8010 0x10>; }; };
         dev@100 { reg = <0x100 0x10 0x8000 0x4>; }; };
       nobus { #address-cells = <1>; #size-cells = <1>; dev@0 { reg = <0x0 0x4>; }; };
       gap { #address-cells = <1>; #size-cells = <1>; ranges = <0x0 0x60000000 0x100>; dev@200 { reg = <0x200 0x4>; }; };`,
    );
    expect(device(p, '/outer/inner/dev@8010').reg).toEqual([{ base: 0x5000_0010, size: 0x10 }]);
    expect(device(p, '/outer/dev@100').reg).toEqual([{ base: 0x4000_0100, size: 0x10 }, { base: 0x5000_0000, size: 4 }]);
    expect(findDevice(p, '/nobus/dev@0').kind).toBe('notFound');
    expect(p.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC2201', "'reg' of '/nobus/dev@0' cannot be translated to CPU addresses: '/nobus' has no 'ranges'"],
      ['KC2201', "'reg' of '/gap/dev@200' cannot be translated to CPU addresses: address 0x200 is outside every 'ranges' entry of '/gap'"],
    ]);
  });

  it('inherits interrupt-parent from ancestors and leaves interrupt-map nexus children unresolved with a note', () => {
    const p = inline(
      'irq',
      `#address-cells = <1>; #size-cells = <1>; interrupt-parent = <&intc>;
       intc: intc@1000 { reg = <0x1000 0x100>; interrupt-controller; #interrupt-cells = <2>; };
       bus { #address-cells = <1>; #size-cells = <1>; ranges;
         a@2000 { reg = <0x2000 0x10>; interrupts = <7 4>; };
         nexus: nexus@3000 { reg = <0x3000 0x10>; #interrupt-cells = <1>; interrupt-map-mask = <0 0>; interrupt-map = <0 1 &intc 9 4>;
           #address-cells = <1>; #size-cells = <1>; ranges;
           b@3100 { reg = <0x3100 0x10>; interrupts = <1>; }; }; };`,
    );
    expect(device(p, '/bus/a@2000')).toMatchObject({ interrupts: [7], interruptParent: '/intc@1000' });
    expect(device(p, '/bus/nexus@3000/b@3100')).toMatchObject({ interrupts: [], interruptParent: '/bus/nexus@3000' });
    expect(p.diagnostics.map((d) => d.code)).toEqual(['KC2203']);
  });

  it('warns about a missing interrupt parent, a reg of the wrong length and addresses past 2^53', () => {
    const p = inline(
      'warnings',
      `#address-cells = <2>; #size-cells = <1>;
       orphan@1000 { reg = <0x0 0x1000 0x10>; interrupts = <5>; };
       dangling@2000 { reg = <0x0 0x2000 0x10>; interrupts = <5>; interrupt-parent = <0x77>; };
       short@3000 { reg = <0x0 0x3000 0x10 0x0>; };
       huge@0 { reg = <0x200000 0x0 0x1000>; };`,
    );
    expect(p.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['KC2202', "interrupts of '/orphan@1000' cannot be resolved: no ancestor has an interrupt-parent with #interrupt-cells"],
      ['KC2202', "interrupts of '/dangling@2000' cannot be resolved: 'interrupt-parent' of '/dangling@2000' is phandle 0x77, which no node has"],
      ['KC2204', "'reg' of '/short@3000' has 16 bytes, not a whole number of 12-byte entries"],
      ['KC2205', "address range '0x20000000000000' + '0x1000' of '/huge@0' does not fit below 2^53 and is left out"],
    ]);
    expect(device(p, '/orphan@1000')).toMatchObject({ reg: [{ base: 0x1000, size: 0x10 }], interrupts: [], interruptParent: null });
    expect(device(p, '/short@3000').reg).toEqual([{ base: 0x3000, size: 0x10 }]);
    expect(findDevice(p, '/huge@0').kind).toBe('notFound');
  });

  it('subtracts /reserved-memory children and /memreserve/ entries from RAM', () => {
    const tree = decodeFdt(
      compileDtsText(
        corpus.tempDir,
        'ram',
        `/dts-v1/;\n/memreserve/ 0x80000000 0x1000;\n/ { #address-cells = <1>; #size-cells = <1>;
         memory@80000000 { device_type = "memory"; reg = <0x80000000 0x100000>; };
         reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges;
           fw@80080000 { reg = <0x80080000 0x10000>; no-map; }; pool { size = <0x1000>; }; }; };\n`,
      ),
    );
    const p = platformFromFdt(tree);
    expect(p.reserved).toEqual([{ base: 0x8000_0000, size: 0x1000 }, { base: 0x8008_0000, size: 0x1_0000 }]);
    expect(p.ram).toEqual([{ base: 0x8000_1000, size: 0x7_f000 }, { base: 0x8009_0000, size: 0x7_0000 }]);
  });

  it('summarises the platform for dt --format json with hex strings', () => {
    const summary = platformSummary(platformOf('generated/qemu-riscv-virt32'));
    expect(summary.memory).toEqual([{ base: '0x80000000', size: '0x80000000' }]);
    expect(summary.devices.find((d) => d.path === '/soc/serial@10000000')).toEqual({
      path: '/soc/serial@10000000',
      compatible: ['ns16550a'],
      status: 'okay',
      reg: [{ base: '0x10000000', size: '0x100' }],
      interrupts: [10],
      interruptParent: '/soc/plic@c000000',
    });
  });

  it('records what every node that is not a device is (the reason a grant of it fails, KC3110)', () => {
    const platform = inline('other-nodes', `
  #address-cells = <1>; #size-cells = <1>;
  chosen { };
  memory@80000000 { device_type = "memory"; reg = <0x80000000 0x1000000>; };
  reserved-memory { #address-cells = <1>; #size-cells = <1>; ranges; fw@80000000 { reg = <0x80000000 0x10000>; }; };
  cpus { #address-cells = <1>; #size-cells = <0>; cpu@0 { device_type = "cpu"; reg = <0>; }; };
  soc { #address-cells = <1>; #size-cells = <1>; ranges;
    i2c@1000 { reg = <0x1000 0x100>; #address-cells = <1>; #size-cells = <0>; eeprom@50 { reg = <0x50>; }; };
  };`);
    expect(platform.otherNodes).toEqual({
      '/': 'root',
      '/chosen': 'noResources',
      '/memory@80000000': 'memory',
      '/reserved-memory': 'noResources',
      '/reserved-memory/fw@80000000': 'reservedMemory',
      '/cpus': 'noResources',
      '/cpus/cpu@0': 'cpu',
      '/soc': 'noResources',
      '/soc/i2c@1000/eeprom@50': 'unmappedBus',
    });
    expect(platform.devices.map((d) => d.path)).toEqual(['/soc/i2c@1000']);
  });
});
