// Saves a Blob as a file download, and remembers what was saved last (the e2e tests read it from the test hook).
export interface DownloadRecord {
  name: string;
  size: number;
  type: string;
}

export const downloadLog: DownloadRecord[] = [];

export function saveBlob(blob: Blob, name: string): DownloadRecord {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Give the browser time to start reading the blob before it is released.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  const record = { name, size: blob.size, type: blob.type };
  downloadLog.push(record);
  return record;
}

/** "qres-2026-11-26T10-20-30" — a file name stamp that sorts and has no ':' (not allowed on Windows). */
export function fileStamp(date = new Date()): string {
  return `qres-${date.toISOString().slice(0, 19).replace(/:/g, '-')}`;
}

/** The canvas as a PNG, taken right after a render so the drawing buffer holds the frame. */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('canvas.toBlob returned null'))), 'image/png'));
}
