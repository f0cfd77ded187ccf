// The package's public helpers are identities that keep what users wrote.
import { describe, expect, it } from 'vitest';
import { defineComponent, defineSystem } from '../index.js';

describe('defineSystem', () => {
  it('returns the descriptor it was given, unchanged', () => {
    const component = defineComponent({ name: 'hello', code: { elf: 'hello.elf' } });
    const system = defineSystem({ name: 'demo', components: [component] });
    expect(system.components[0]).toBe(component);
    expect(system.name).toBe('demo');
  });
});
