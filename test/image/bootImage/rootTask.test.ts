// The ROOTTASK section's check (image/bootImage/rootTask.ts): a root task ELF of a built example
// carries its plan table; an ELF without one and bytes that are no ELF are named.
import { describe, expect, it } from 'vitest';
import { readImage } from '../../../image/bootImage/index.js';
import { rootTaskProblem } from '../../../image/bootImage/rootTask.js';
import { exampleImage } from '../../runtime/exampleImages.js';
import { elfBytes } from './sampleImage.js';

describe('rootTaskProblem', () => {
  it("takes an example's root task, and names an ELF without a plan table or bytes that are no ELF", async () => {
    const { rootTask } = readImage(await exampleImage('hello'));
    expect(rootTask).toBeDefined();
    expect(rootTaskProblem(rootTask!)).toBeUndefined();
    expect(rootTaskProblem(elfBytes)).toBe('the ELF carries no plan table');
    expect(rootTaskProblem(new Uint8Array(8))).toBe("not an ELF file: it starts with '00 00 00 00', expected '7f 45 4c 46'");
  });
});
