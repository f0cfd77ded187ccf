// The platforms bundled with kaal-compose (their DTS/DTB in fixtures/platforms/), and the default
// one a descriptor gets when it names none. A leaf without dependencies, so the runtime can use it.
export const BUNDLED_PLATFORMS = ['kaal-virt-rv32'] as const;
export type BundledPlatform = (typeof BUNDLED_PLATFORMS)[number];
export const DEFAULT_PLATFORM: BundledPlatform = 'kaal-virt-rv32';
