// A device the machine has no model for: reads return 0, writes are dropped, and every access is
// counted, so a run report can say what a component did with a region nobody emulates.
import type { AccessSize, DeviceContext, MmioDevice } from './device.js';

export interface InertDevice extends MmioDevice {
  readonly reads: number;
  readonly writes: number;
}

export function createInertDevice(context: DeviceContext, kind: string): InertDevice {
  let reads = 0;
  let writes = 0;
  return {
    kind,
    size: context.size,
    accessSizes: [1, 2, 4] as const,
    get reads() {
      return reads;
    },
    get writes() {
      return writes;
    },
    read(_offset: number, _size: AccessSize): number {
      reads++;
      return 0;
    },
    write(): void {
      writes++;
    },
    reset(): void {
      reads = 0;
      writes = 0;
    },
  };
}
