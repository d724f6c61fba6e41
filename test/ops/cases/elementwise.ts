import type { OpCase } from '../table.js';

export const cases: OpCase[] = [];
