// Benchmarks write their tables into one shared docs/BENCHMARKS.md, each into its own section between
// `<!-- BEGIN name -->` and `<!-- END name -->`, so running one bench never erases another's figures. Used by
// `qres bench`, `qres ablation` and the benchmark scripts in bench/ and scripts/.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';

export const BENCHMARKS_MD = 'docs/BENCHMARKS.md';

/** A one-line description of the machine, for every table. */
export function machineLine(): string {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}`;
}

/** Replaces (or appends) the section `name` of the markdown file with `markdown`. */
export function writeSection(name: string, markdown: string, file = BENCHMARKS_MD): void {
  const begin = `<!-- BEGIN ${name} -->`;
  const end = `<!-- END ${name} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nEvery table below is written by the command named in its section; do not edit by hand.\n';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  if (i >= 0 && j > i) text = text.slice(0, i) + block + text.slice(j + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** A markdown table from a header row and rows. */
export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
