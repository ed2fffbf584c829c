// The lab's timeline (@babylonjs/gui): a scrubber over sim time along the bottom edge. The part of the run already
// simulated is lit, events are marked (storm peaks orange, bans red/grey, joins cyan), the playhead is the
// current tick. Click or drag to seek; the keys , and . seek 10 s back and forward (src/app/keyMap.ts).
// A seek replays from the seed at max speed: the bar shows the replay's progress.
import type { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import { Control } from '@babylonjs/gui/2D/controls/control';
import { Rectangle } from '@babylonjs/gui/2D/controls/rectangle';
import { TextBlock } from '@babylonjs/gui/2D/controls/textBlock';
import type { ICanvasRenderingContext } from '@babylonjs/core/Engines/ICanvas';
import type { TimelineEvent } from '../sim/workerLab';
import { formatSimTime } from './hudText';
import { GUI_FONT, GUI_GREEN } from './labPanel';

export interface TimelineState {
  tick: number;
  furthest: number;
  tickMs: number;
  events: readonly TimelineEvent[];
  seeking: boolean;
  seekFrom: number;
  seekTarget: number;
}

/** The ticks the bar spans: 10 minutes of sim time, or more once the run has gone further (in 5-minute steps). */
export function timelineHorizon(furthest: number, tickMs: number): number {
  const step = Math.round(300_000 / tickMs);
  return Math.max(2 * step, Math.ceil((furthest + 1) / step) * step);
}

/** The tick under x (pixels from the bar's left edge), clamped to the bar. */
export function tickAtX(x: number, width: number, horizon: number): number {
  if (width <= 0) return 0;
  return Math.round(Math.min(1, Math.max(0, x / width)) * horizon);
}

/** How far a seek has got, 0..1. */
export function seekProgress(s: Pick<TimelineState, 'tick' | 'seekFrom' | 'seekTarget'>): number {
  const span = s.seekTarget - s.seekFrom;
  return span <= 0 ? 1 : Math.min(1, Math.max(0, (s.tick - s.seekFrom) / span));
}

const EVENT_COLOUR: Record<TimelineEvent['kind'], string> = {
  stormPeak: 'rgba(255, 130, 50, 0.95)',
  firstBan: 'rgba(255, 60, 60, 1)',
  honestBan: 'rgba(200, 200, 210, 1)',
  join: 'rgba(60, 230, 255, 1)',
};

class TimelineBar extends Control {
  state: TimelineState | null = null;
  horizon = 1;

  protected override _getTypeName(): string {
    return 'TimelineBar';
  }

  override _draw(context: ICanvasRenderingContext): void {
    const s = this.state;
    const { left, top, width, height } = this._currentMeasure;
    context.save();
    context.fillStyle = 'rgba(0, 255, 128, 0.10)';
    context.fillRect(left, top, width, height);
    if (s !== null) {
      const x = (tick: number) => left + (width * Math.min(tick, this.horizon)) / this.horizon;
      context.fillStyle = 'rgba(0, 255, 128, 0.22)';
      context.fillRect(left, top, x(s.furthest) - left, height);
      for (const e of s.events) {
        context.fillStyle = EVENT_COLOUR[e.kind];
        context.fillRect(x(e.tick) - 1, top, 2, height);
      }
      if (s.seeking) {
        context.fillStyle = 'rgba(255, 255, 255, 0.35)';
        context.fillRect(x(s.seekTarget) - 1, top - 2, 2, height + 4);
      }
      context.fillStyle = '#ffffff';
      context.fillRect(x(s.tick) - 1.5, top - 3, 3, height + 6);
    }
    context.restore();
  }
}

export class Timeline {
  readonly root: Rectangle;
  readonly bar: TimelineBar;
  private readonly label: TextBlock;
  private shownKey = '';
  private dragging = false;

  constructor(
    ui: AdvancedDynamicTexture,
    private readonly onSeek: (tick: number) => void,
  ) {
    this.root = new Rectangle('timeline');
    this.root.height = '44px';
    this.root.width = 1;
    this.root.paddingLeft = '10px';
    this.root.paddingRight = '10px';
    this.root.paddingBottom = '6px';
    this.root.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    this.root.thickness = 0;
    this.root.isPointerBlocker = true;
    ui.addControl(this.root);

    this.label = new TextBlock('timelineLabel', '');
    this.label.fontFamily = GUI_FONT;
    this.label.fontSize = 11;
    this.label.color = GUI_GREEN;
    this.label.height = '16px';
    this.label.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.label.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.root.addControl(this.label);

    this.bar = new TimelineBar('timelineBar');
    this.bar.height = '14px';
    this.bar.top = '-4px';
    this.bar.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    this.bar.isPointerBlocker = true;
    this.bar.hoverCursor = 'pointer';
    this.root.addControl(this.bar);

    const seekAt = (x: number) => {
      const m = this.bar._currentMeasure;
      this.onSeek(tickAtX(x - m.left, m.width, this.bar.horizon));
    };
    this.bar.onPointerDownObservable.add((p) => {
      this.dragging = true;
      seekAt(p.x);
    });
    this.bar.onPointerMoveObservable.add((p) => {
      if (this.dragging) seekAt(p.x);
    });
    this.bar.onPointerUpObservable.add(() => {
      this.dragging = false;
    });
  }

  set visible(value: boolean) {
    this.root.isVisible = value;
  }

  update(state: TimelineState): void {
    const horizon = timelineHorizon(state.furthest, state.tickMs);
    const key = `${state.tick}:${state.furthest}:${state.events.length}:${state.seeking}:${state.seekTarget}`;
    if (key === this.shownKey) return;
    this.shownKey = key;
    this.bar.state = state;
    this.bar.horizon = horizon;
    this.bar.markAsDirty();
    const t = (tick: number) => formatSimTime((tick * state.tickMs) / 1000);
    const last = state.events.filter((e) => e.tick <= state.tick).at(-1);
    this.label.text = state.seeking
      ? `replaying from the seed to ${t(state.seekTarget)} · ${Math.round(100 * seekProgress(state))} %`
      : `${t(state.tick)} / ${t(horizon)}${last ? ` · last event: ${last.label} at ${t(last.tick)}` : ''}`;
  }
}
