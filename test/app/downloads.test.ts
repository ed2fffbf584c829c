import { describe, expect, it } from 'vitest';
import { fileStamp } from '../../src/app/downloads';

describe('fileStamp', () => {
  it('is a sortable UTC stamp without colons', () => {
    expect(fileStamp(new Date(Date.UTC(2026, 10, 26, 9, 5, 7)))).toBe('qres-2026-11-26T09-05-07');
    expect(fileStamp()).not.toContain(':');
  });
});
