// WebM recording of the canvas: MediaRecorder on canvas.captureStream(). The result is always wrapped as
// video/webm (some recorders leave Blob.type empty).
const MIME_CANDIDATES = ['video/webm;codecs=vp9', 'video/webm;codecs=vp8', 'video/webm'];

export class CanvasRecorder {
  private recorder: MediaRecorder | null = null;
  private chunks: Blob[] = [];
  private done: Promise<Blob> | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly fps = 30,
  ) {}

  get recording(): boolean {
    return this.recorder !== null;
  }

  static supported(): boolean {
    return typeof MediaRecorder !== 'undefined' && MIME_CANDIDATES.some((m) => MediaRecorder.isTypeSupported(m));
  }

  start(): void {
    if (this.recorder !== null) return;
    const mimeType = MIME_CANDIDATES.find((m) => MediaRecorder.isTypeSupported(m)) ?? '';
    const stream = this.canvas.captureStream(this.fps);
    const recorder = new MediaRecorder(stream, { mimeType, videoBitsPerSecond: 8_000_000 });
    this.chunks = [];
    this.done = new Promise<Blob>((resolve) => {
      recorder.ondataavailable = (e) => {
        if (e.data.size > 0) this.chunks.push(e.data);
      };
      recorder.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        resolve(new Blob(this.chunks, { type: 'video/webm' }));
      };
    });
    // Chunks every 500 ms, so a long take is not held as one growing buffer.
    recorder.start(500);
    this.recorder = recorder;
  }

  /** Stops and returns the video. */
  async stop(): Promise<Blob> {
    const recorder = this.recorder;
    const done = this.done;
    if (recorder === null || done === null) throw new Error('not recording');
    this.recorder = null;
    this.done = null;
    recorder.stop();
    return done;
  }
}
