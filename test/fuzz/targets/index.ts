// Every fuzz target with the seeds it mutates, by name: the list `npm run fuzz` runs.
import type { FuzzTarget } from '../support/harness.js';
import { bootSeeds, descriptorPlatformFiles, descriptorSeeds, dtbSeeds, elfFixtures, imageSeeds } from '../support/seeds.js';
import { bootTarget } from './boot.js';
import { cpuTarget } from './cpu.js';
import { descriptorsTarget } from './descriptors.js';
import { elfReaderTarget } from './elfReader.js';
import { fdtDecoderTarget } from './fdtDecoder.js';
import { imageReaderTarget } from './imageReader.js';
import { kernelTarget } from './kernel.js';
import { resealedTarget } from './resealed.js';

/** uart-echo too: the only example with an IRQ grant and a shared region. */
export const resealSeeds = () => bootSeeds(['hello', 'ping-pong', 'fault', 'uart-echo']);

export const fuzzTargets: readonly FuzzTarget<any>[] = [
  imageReaderTarget(imageSeeds),
  imageReaderTarget(imageSeeds, true),
  fdtDecoderTarget(dtbSeeds),
  elfReaderTarget(elfFixtures),
  descriptorsTarget(descriptorSeeds, descriptorPlatformFiles()),
  cpuTarget(),
  kernelTarget(),
  bootTarget(bootSeeds),
  // The same without touching `invocations`, to see past docs/reliability.md finding 1.
  bootTarget(bootSeeds, (p) => p[0] === 'invocations', 'boot-outside-invocations'),
  // Plan JSON and DTB mutated inside a sealed image, then re-sealed: every reader behind the checksums.
  resealedTarget(resealSeeds),
];
