// The node inspector (@babylonjs/gui): what one node is doing. Its role only as its honest neighbours know it
// (suspected, banned, or nothing against it: the view never shows what no node can know), regime and entropy, its
// gene's weights as a bar chart, the reputation it gives its neighbours and its bans, heals, bytes sent, and its
// signal against its prediction over the last 60 s of sim time. Closed with its × button or Escape.
import type { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import { Control } from '@babylonjs/gui/2D/controls/control';
import { Rectangle } from '@babylonjs/gui/2D/controls/rectangle';
import { StackPanel } from '@babylonjs/gui/2D/controls/stackPanel';
import { TextBlock } from '@babylonjs/gui/2D/controls/textBlock';
import type { ICanvasRenderingContext } from '@babylonjs/core/Engines/ICanvas';
import type { NodeInspection } from '../sim/workerLab';
import { GUI_FONT, GUI_GREEN, textButton } from './labPanel';

const REGIMES = ['Calm', 'PreStorm', 'Storm'];
/** One formatter for every inspection ('12,345'): `toLocaleString` builds a new one per call. */
const GROUPED = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** The inspector's text lines for an inspection. Pure. */
export function inspectorLines(x: NodeInspection): string[] {
  const role =
    x.knownAs === 'banned'
      ? `banned by ${x.bannedBy} of ${x.honestNeighbours} neighbours`
      : x.knownAs === 'suspected'
        ? `suspected by ${x.suspectedBy} of ${x.honestNeighbours} neighbours`
        : `unsuspected by its ${x.honestNeighbours} neighbours`;
  const bans = x.neighbours.filter((n) => n.banned).length;
  const mean = x.neighbours.length ? x.neighbours.reduce((a, n) => a + n.reputation, 0) / x.neighbours.length : 0;
  const low = [...x.neighbours]
    .sort((a, b) => a.reputation - b.reputation)
    .slice(0, 3)
    .map((n) => `#${n.id} ${n.reputation.toFixed(2)}`)
    .join(' · ');
  return [
    `NODE #${x.id}${x.membership === 'present' ? '' : ` · ${x.membership}`}`,
    `├─ Known as: ${role}`,
    `├─ Regime: ${REGIMES[x.regime] ?? x.regime}${x.evolved ? ' · Evolved' : ''} · entropy ${x.entropy.toFixed(3)}`,
    `├─ Neighbours: ${x.neighbours.length} · mean reputation ${mean.toFixed(2)} · it bans ${bans}`,
    `├─ Lowest: ${low || '—'}`,
    `└─ Heals: ${x.heals} · sent ${GROUPED.format(Math.round(x.bytesSent))} B`,
  ];
}

/** Two inspections that would draw the same (the same node and tick, with the same counters and history). */
function sameView(a: NodeInspection, b: NodeInspection): boolean {
  return (
    a.id === b.id &&
    a.tick === b.tick &&
    a.entropy === b.entropy &&
    a.heals === b.heals &&
    a.bytesSent === b.bytesSent &&
    a.knownAs === b.knownAs &&
    a.signal.length === b.signal.length
  );
}

class InspectorChart extends Control {
  data: NodeInspection | null = null;

  protected override _getTypeName(): string {
    return 'InspectorChart';
  }

  override _draw(context: ICanvasRenderingContext): void {
    const x = this.data;
    const { left, top, width, height } = this._currentMeasure;
    context.save();
    context.fillStyle = 'rgba(0, 255, 128, 0.06)';
    context.fillRect(left, top, width, height);
    if (x !== null) {
      // Gene weights (and the bias, last, on its own scale) as bars around a zero line, on the left.
      const barsW = Math.min(110, width * 0.3);
      const values = [...x.weights, x.bias];
      const scale = Math.max(0.05, ...x.weights.map(Math.abs));
      const biasScale = Math.max(0.05, Math.abs(x.bias));
      const mid = top + height / 2;
      const bw = barsW / values.length;
      values.forEach((v, i) => {
        const h = ((height / 2 - 4) * v) / (i === values.length - 1 ? biasScale : scale);
        context.fillStyle = i === values.length - 1 ? 'rgba(255, 200, 80, 0.9)' : 'rgba(200, 90, 255, 0.9)';
        context.fillRect(left + 2 + i * bw, h >= 0 ? mid - h : mid, bw - 2, Math.abs(h));
      });
      context.fillStyle = 'rgba(255, 255, 255, 0.35)';
      context.fillRect(left + 2, mid, barsW, 1);
      // Signal (green) against prediction (orange), 60 s.
      const px = left + barsW + 10;
      const pw = width - barsW - 14;
      const n = x.signal.length;
      if (n > 1) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < n; i++) {
          lo = Math.min(lo, x.signal[i]!, x.prediction[i]!);
          hi = Math.max(hi, x.signal[i]!, x.prediction[i]!);
        }
        const span = hi - lo || 1;
        const line = (series: readonly number[], colour: string) => {
          context.strokeStyle = colour;
          context.lineWidth = 1.25;
          context.beginPath();
          for (let i = 0; i < n; i++) {
            const cx = px + (pw * i) / (n - 1);
            const cy = top + 3 + (height - 6) * (1 - (series[i]! - lo) / span);
            if (i === 0) context.moveTo(cx, cy);
            else context.lineTo(cx, cy);
          }
          context.stroke();
        };
        line(x.signal, 'rgba(0, 255, 128, 0.95)');
        line(x.prediction, 'rgba(255, 140, 60, 0.95)');
      }
    }
    context.restore();
  }
}

export class Inspector {
  readonly root: Rectangle;
  private readonly text: TextBlock;
  private readonly chart: InspectorChart;
  private shown = '';
  private shownData: NodeInspection | null = null;

  constructor(
    ui: AdvancedDynamicTexture,
    private readonly onClose: () => void,
  ) {
    this.root = new Rectangle('inspector');
    this.root.width = '380px';
    this.root.adaptHeightToChildren = true;
    this.root.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.root.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    this.root.left = '10px';
    this.root.top = '-56px';
    this.root.thickness = 1;
    this.root.color = 'rgba(255, 255, 255, 0.4)';
    this.root.cornerRadius = 6;
    this.root.background = 'rgba(0, 12, 24, 0.72)';
    this.root.isPointerBlocker = true;
    this.root.isVisible = false;
    ui.addControl(this.root);

    const stack = new StackPanel('inspectorStack');
    stack.paddingTop = '4px';
    stack.paddingBottom = '6px';
    this.root.addControl(stack);

    this.text = new TextBlock('inspectorText', '');
    this.text.fontFamily = GUI_FONT;
    this.text.fontSize = 12;
    this.text.color = GUI_GREEN;
    this.text.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.text.textVerticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.text.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.text.paddingLeft = '8px';
    this.text.resizeToFit = true;
    stack.addControl(this.text);

    const legend = new TextBlock('inspectorLegend', 'gene weights + bias · signal (green) vs prediction, 60 s');
    legend.fontFamily = GUI_FONT;
    legend.fontSize = 10;
    legend.color = 'rgba(0, 255, 128, 0.6)';
    legend.height = '16px';
    legend.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    legend.paddingLeft = '8px';
    stack.addControl(legend);

    this.chart = new InspectorChart('inspectorChart');
    this.chart.width = '360px';
    this.chart.height = '70px';
    stack.addControl(this.chart);

    const close = textButton('inspectorClose', '×', 22, 20);
    close.button.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
    close.button.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    close.button.left = '-4px';
    close.button.top = '4px';
    close.button.tabIndex = 41;
    close.button.onPointerClickObservable.add(() => this.onClose());
    close.button.onKeyboardEventProcessedObservable.add((e) => {
      if (e.key === 'Enter' || e.key === ' ') this.onClose();
    });
    this.root.addControl(close.button);
  }

  get visible(): boolean {
    return this.root.isVisible;
  }

  /** Shows an inspection, or closes (null). The GUI texture is redrawn only when what is shown changes: a poll of
   *  the same node at the same tick (paused) changes nothing. */
  show(x: NodeInspection | null): void {
    this.root.isVisible = x !== null;
    const last = this.shownData;
    this.shownData = x;
    if (x === null || (last !== null && sameView(last, x))) return;
    const text = inspectorLines(x).join('\n');
    if (text !== this.shown) {
      this.shown = text;
      this.text.text = text;
    }
    this.chart.data = x;
    this.chart.markAsDirty();
  }
}
