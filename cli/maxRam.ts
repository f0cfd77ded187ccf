// `--max-ram`, the option of the commands that boot the emulated machine (run, check, machine): the
// most RAM to emulate. A platform's DTB may declare more memory than the host should allocate
// (QEMU's virt says 2 GiB); beyond the limit the machine emulates the first bytes only (KC7809).
export const maxRamOption = {
  type: 'number',
  describe: 'most RAM to emulate, in bytes (default 256 MiB, at most 4 GiB); the platform DTB says how much there is',
} as const;

/** Why `value` cannot be the RAM limit, or undefined when it can. */
export function maxRamProblem(value: number): string | undefined {
  if (!Number.isSafeInteger(value) || value < 0x1000 || value > 2 ** 32) return 'must be a whole number of bytes from 4096 (one page) to 4 GiB';
  return undefined;
}
