// Fuzz target: validly sealed images whose PLAN JSON and DTB were mutated, then re-sealed with
// writeImage (every CRC-32 and the SHA-256 right again), so every reader behind the checksums is
// reached: the image reader, inspect's summary and text, the FDT decoder and platform model, the
// plan's shape check and the system rules (image/bootImage/planRules.ts) as check and inspect run
// them, and one in ten plans that keep the rules through the whole boot and proof (`check`). Each
// must end in a result or a KC diagnostic; the rules report only KC73xx codes.
import { readImage, type BootImage } from '../../../image/bootImage/index.js';
import { fileSha256, formatImageSummary, summarizeImage } from '../../../image/bootImage/inspectImage.js';
import { planRuleDiagnostics } from '../../../image/bootImage/planRules.js';
import { decodeFdt } from '../../../image/fdt/index.js';
import { platformFromFdt } from '../../../image/platform.js';
import { bootImage } from '../../../runtime/boot/index.js';
import { planShapeProblem } from '../../../runtime/boot/planShape.js';
import type { Plan } from '../../../schema/plan.generated.js';
import { escapeJsonText } from '../../../schema/terminalText.js';
import { rewriteImage } from '../../runtime/exampleImages.js';
import type { FuzzTarget } from '../support/harness.js';
import { mutate } from '../support/mutators.js';
import type { Prng } from '../support/prng.js';
import { mutateJson, type Json } from './descriptors.js';
import { dtbHints } from './fdtDecoder.js';

interface Seed {
  readonly name: string;
  readonly image: BootImage;
}

export type ResealCoverage = Record<string, number>;

const PERMS = ['r', 'rw', 'rx', 'rwx', 'x', 'wx'];
/** Devices of kaal-virt-rv32 a grant may be moved to: the kernel's own, others', one that is not there. */
const DEVICES = ['/soc/plic@c000000', '/soc/clint@2000000', '/soc/serial@10000000', '/soc/rtc@101000', '/soc/test@100000', '/soc/nothing@0'];

/**
 * Mutations aimed at the system rules, on a plan that keeps its shape: a grant copied to another
 * component (or made shared), an IRQ or permission or priority changed, a capability pointed at
 * another object, a mapping moved to another physical address, an entry point moved.
 */
function mutateRules(plan: Plan, rng: Prng): string {
  const component = rng.pick(plan.components);
  const other = rng.pick(plan.components);
  switch (rng.below(8)) {
    case 0: {
      if (plan.grants.length === 0) return 'no grant';
      const grant = rng.pick(plan.grants);
      plan.grants.push({ ...grant, component: other.name });
      return `grant of '${grant.device}' copied to '${other.name}'`;
    }
    case 1: {
      if (plan.grants.length === 0) return 'no grant';
      const grant = rng.pick(plan.grants);
      const choice = rng.below(3);
      if (choice === 0) grant.shared = true;
      else if (choice === 1) grant.irq = rng.below(64);
      else grant.device = rng.pick(DEVICES);
      return `grant of '${grant.device}' shared, re-numbered or moved`;
    }
    case 2: {
      if (component.vspace.length === 0) return 'no mapping';
      const m = rng.pick(component.vspace);
      m.perms = rng.pick(PERMS) as typeof m.perms;
      return `mapping at ${m.vaddr} perms ${m.perms}`;
    }
    case 3:
      component.tcb.priority = rng.below(256);
      return `'${component.name}' priority ${component.tcb.priority}`;
    case 4: {
      if (component.cspace.length === 0) return 'no slot';
      const slot = rng.pick(component.cspace);
      slot.object = rng.pick(plan.objects).name;
      if (rng.chance(0.5)) slot.rights.read = !slot.rights.read;
      return `'${component.name}' slot ${slot.slot} -> '${slot.object}'`;
    }
    case 5: {
      if (component.vspace.length === 0) return 'no mapping';
      const m = rng.pick(component.vspace);
      m.paddr = rng.chance(0.5) ? rng.pick(other.vspace.length ? other.vspace : component.vspace).paddr : (rng.u32() & ~0xfff) >>> 0;
      return `mapping at ${m.vaddr} to paddr ${m.paddr}`;
    }
    case 6:
      component.tcb.entry = (component.tcb.entry + 4 * rng.between(-4, 4)) >>> 0;
      return `'${component.name}' entry ${component.tcb.entry}`;
    default: {
      if (plan.grants.length === 0) return 'no grant';
      const grant = rng.pick(plan.grants);
      grant.paddr = (grant.paddr + 0x1000 * rng.between(-2, 2)) >>> 0;
      grant.size = 0x1000 * rng.between(0, 3);
      return `grant of '${grant.device}' window ${grant.paddr}+${grant.size}`;
    }
  }
}

export function resealedTarget(images: () => Promise<readonly { name: string; bytes: Uint8Array }[]>): FuzzTarget<{ seeds: Seed[]; coverage: ResealCoverage }> {
  return {
    name: 'resealed',
    async prepare() {
      return { seeds: (await images()).map((s) => ({ name: s.name, image: readImage(s.bytes) })), coverage: {} };
    },
    report: ({ coverage }) => Object.entries(coverage).sort().map(([k, n]) => `${k} ${n}`).join(', '),
    generate(rng, { seeds, coverage }) {
      const seed = rng.pick(seeds);
      const count = (key: string) => (coverage[key] = (coverage[key] ?? 0) + 1);
      const plan = structuredClone(seed.image.plan) as Json;
      const steps: string[] = [];
      // Which parts change: the plan by rule-aimed edits, the plan by shape edits, the DTB, or two of them.
      const parts = rng.pick([['rules'], ['rules'], ['json'], ['dtb'], ['rules', 'dtb'], ['json', 'rules']]);
      if (parts.includes('rules')) for (let i = rng.between(1, 3); i > 0; i--) steps.push(mutateRules(plan as unknown as Plan, rng));
      if (parts.includes('json')) steps.push(mutateJson(plan, rng));
      let dtb = seed.image.dtb;
      if (parts.includes('dtb')) {
        const mutated = mutate(dtb, rng, dtbHints(dtb));
        dtb = mutated.bytes;
        // A DTB whose header disagrees with its size is refused by the image reader: keep it right mostly.
        if (rng.chance(0.8) && dtb.length >= 8) new DataView(dtb.buffer, dtb.byteOffset).setUint32(4, dtb.length, false);
        steps.push(`dtb ${mutated.applied.join(', ')}`);
      }
      const boot = rng.chance(0.1);
      return {
        description: `${seed.name}: ${steps.join('; ')}`,
        run() {
          const bytes = rewriteImage(seed.image, { plan: plan as unknown as Plan, dtb });
          const image = readImage(bytes);
          count('read');
          // inspect's summary, text and JSON.
          const summary = summarizeImage(image, fileSha256(bytes));
          formatImageSummary(summary);
          escapeJsonText(JSON.stringify(summary));
          const platform = platformFromFdt(decodeFdt(image.dtb, { file: 'fuzz.img' }));
          count('dtb decoded');
          if (planShapeProblem(image.plan)) {
            count('plan malformed');
            return;
          }
          const broken = planRuleDiagnostics({ plan: image.plan as unknown as Plan, components: image.components, platform });
          count(broken.length ? 'rules broken' : 'rules kept');
          for (const d of broken) count(d.code);
          const wrong = broken.filter((d) => !/^KC730\d$/.test(d.code));
          if (wrong.length) return `plan rules reported ${wrong.map((d) => d.code).join(', ')}`;
          // A plan that keeps the rules goes on to the whole of `check` now and then: the kernel, the proof.
          if (broken.length > 0 || !boot) return;
          const booted = bootImage(image, { sink: {} });
          count(booted.ok ? 'booted' : 'boot refused');
          const uncoded = booted.ok ? [] : booted.diagnostics.filter((d) => !/^KC[0-8]\d{3}$/.test(d.code));
          if (uncoded.length) return `boot refused without a user diagnostic: ${uncoded.map((d) => d.code).join(', ')}`;
        },
      };
    },
  };
}
