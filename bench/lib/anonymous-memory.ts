/**
 * Where a process's anonymous memory is, read from /proc/<pid>/smaps (Linux): the main malloc arena
 * (`[heap]`, what the main thread mallocs), regions under 1 MB (V8 maps its heap in pages of 256 KB),
 * and the larger unnamed regions (other threads' malloc arenas, 64 MB-aligned, and code ranges).
 */
import { readFileSync } from 'node:fs';

export interface AnonymousMemory {
  mainArenaMb: number;
  smallRegionsMb: number;
  largeRegionsMb: number;
}

export function anonymousMemory(pid: number): AnonymousMemory {
  const totals = { mainArenaMb: 0, smallRegionsMb: 0, largeRegionsMb: 0 };
  let name = '';
  let sizeKb = 0;
  for (const line of readFileSync(`/proc/${pid}/smaps`, 'utf8').split('\n')) {
    const region = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (region) {
      name = region[1];
      continue;
    }
    const field = /^(Size|Anonymous):\s+(\d+) kB/.exec(line);
    if (!field) continue;
    if (field[1] === 'Size') sizeKb = Number(field[2]);
    else if (name === '[heap]') totals.mainArenaMb += Number(field[2]) / 1024;
    else if (name === '') totals[sizeKb < 1024 ? 'smallRegionsMb' : 'largeRegionsMb'] += Number(field[2]) / 1024;
  }
  return totals;
}

export function describeAnonymousMemory(memory: AnonymousMemory): string {
  const mb = (value: number) => Math.round(value);
  return (
    `anonymous by region (smaps): main malloc arena ${mb(memory.mainArenaMb)} MB, regions under 1 MB (V8's ` +
    `heap pages) ${mb(memory.smallRegionsMb)} MB, larger unnamed regions (other threads' malloc arenas, ` +
    `code) ${mb(memory.largeRegionsMb)} MB`
  );
}
