// The heads-up display (@babylonjs/gui): a metrics panel in green monospace, plus an entropy sparkline
// over the last minute of sim time. Text is only re-laid-out when it changes.
import { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import { Control } from '@babylonjs/gui/2D/controls/control';
import { Rectangle } from '@babylonjs/gui/2D/controls/rectangle';
import { StackPanel } from '@babylonjs/gui/2D/controls/stackPanel';
import { TextBlock } from '@babylonjs/gui/2D/controls/textBlock';
import type { ICanvasRenderingContext } from '@babylonjs/core/Engines/ICanvas';
import type { Scene } from '@babylonjs/core/scene';
import { sparklinePoints } from './sparkline';

const HUD_GREEN = 'rgba(0, 255, 128, 0.9)';
const FONT = '"DejaVu Sans Mono", Menlo, Consolas, monospace';
const FONT_PX = 13;
const LINE_PX = 17;

/** A polyline drawn straight onto the GUI canvas (one control, not one per segment). */
class SparklineControl extends Control {
  private series: readonly number[] = [];
  stroke = 'rgba(255, 120, 60, 0.95)';
  minTop = 10;

  setSeries(series: readonly number[]): void {
    this.series = series;
    this.markAsDirty();
  }

  protected override _getTypeName(): string {
    return 'Sparkline';
  }

  override _draw(context: ICanvasRenderingContext): void {
    const { left, top, width, height } = this._currentMeasure;
    context.save();
    context.fillStyle = 'rgba(0, 255, 128, 0.08)';
    context.fillRect(left, top, width, height);
    const points = sparklinePoints(this.series, width - 4, height - 4, this.minTop);
    if (points.length > 1) {
      context.strokeStyle = this.stroke;
      context.lineWidth = 1.5;
      context.beginPath();
      points.forEach(([x, y], i) => (i === 0 ? context.moveTo(left + 2 + x, top + 2 + y) : context.lineTo(left + 2 + x, top + 2 + y)));
      context.stroke();
    }
    context.restore();
  }
}

/** The small live charts under the entropy sparkline (issue 16): consensus drift %, bytes/s, Evolved %. */
export interface HudCharts {
  drift: readonly number[];
  bytes: readonly number[];
  evolved: readonly number[];
}

const CHARTS: readonly { key: keyof HudCharts; label: string; stroke: string; minTop: number }[] = [
  { key: 'drift', label: 'drift %', stroke: 'rgba(255, 70, 70, 0.95)', minTop: 1 },
  { key: 'bytes', label: 'bytes/s', stroke: 'rgba(60, 220, 255, 0.95)', minTop: 100 },
  { key: 'evolved', label: 'evolved %', stroke: 'rgba(210, 90, 255, 0.95)', minTop: 10 },
];

export class Hud {
  readonly ui: AdvancedDynamicTexture;
  private readonly panel: Rectangle;
  private readonly text: TextBlock;
  private readonly sparkline: SparklineControl;
  private shownText = '';
  private shownSeriesKey = '';
  private readonly charts = new Map<keyof HudCharts, SparklineControl>();
  private readonly chartKeys = new Map<keyof HudCharts, string>();

  constructor(scene: Scene) {
    this.ui = AdvancedDynamicTexture.CreateFullscreenUI('hud', true, scene);
    this.panel = new Rectangle('hudPanel');
    this.panel.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.panel.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.panel.left = '10px';
    this.panel.top = '10px';
    this.panel.width = '380px';
    this.panel.adaptHeightToChildren = true;
    this.panel.thickness = 0;
    this.panel.cornerRadius = 6;
    this.panel.background = 'rgba(0, 12, 24, 0.45)';
    this.panel.isPointerBlocker = false;
    this.panel.isHitTestVisible = false;
    this.ui.addControl(this.panel);

    const stack = new StackPanel('hudStack');
    stack.isVertical = true;
    stack.paddingTop = '6px';
    stack.paddingBottom = '8px';
    this.panel.addControl(stack);

    this.text = new TextBlock('hudText', '');
    this.text.fontFamily = FONT;
    this.text.fontSize = FONT_PX;
    this.text.color = HUD_GREEN;
    this.text.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.text.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.text.textVerticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.text.paddingLeft = '10px';
    this.text.lineSpacing = `${LINE_PX - FONT_PX}px`;
    this.text.resizeToFit = true;
    stack.addControl(this.text);

    const label = new TextBlock('sparklineLabel', 'entropy · last 60 s of sim time');
    label.fontFamily = FONT;
    label.fontSize = 11;
    label.color = 'rgba(0, 255, 128, 0.6)';
    label.height = '16px';
    label.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    label.paddingLeft = '10px';
    stack.addControl(label);

    this.sparkline = new SparklineControl('sparkline');
    this.sparkline.width = '360px';
    this.sparkline.height = '36px';
    this.sparkline.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    this.sparkline.left = '10px';
    stack.addControl(this.sparkline);

    const row = new StackPanel('hudCharts');
    row.isVertical = false;
    row.height = '46px';
    row.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
    row.left = '10px';
    row.paddingTop = '4px';
    for (const c of CHARTS) {
      const column = new StackPanel(`hudChart-${c.key}`);
      column.width = '120px';
      const title = new TextBlock(`hudChartLabel-${c.key}`, c.label);
      title.fontFamily = FONT;
      title.fontSize = 10;
      title.color = 'rgba(0, 255, 128, 0.6)';
      title.height = '14px';
      title.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
      column.addControl(title);
      const chart = new SparklineControl(`hudChart-${c.key}-line`);
      chart.width = '114px';
      chart.height = '24px';
      chart.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
      chart.stroke = c.stroke;
      chart.minTop = c.minTop;
      column.addControl(chart);
      row.addControl(column);
      this.charts.set(c.key, chart);
    }
    stack.addControl(row);
  }

  /** The HUD's panel (its metrics, sparkline and charts). */
  get root(): Rectangle {
    return this.panel;
  }

  get visible(): boolean {
    return this.panel.isVisible;
  }

  set visible(value: boolean) {
    this.panel.isVisible = value;
  }

  update(lines: readonly string[], series: readonly number[], charts?: HudCharts): void {
    if (charts !== undefined) {
      for (const c of CHARTS) {
        const data = charts[c.key];
        const key = `${data.length}:${data[data.length - 1] ?? ''}:${data[0] ?? ''}`;
        if (key === this.chartKeys.get(c.key)) continue;
        this.chartKeys.set(c.key, key);
        this.charts.get(c.key)!.setSeries(data);
      }
    }
    const text = lines.join('\n');
    if (text !== this.shownText) {
      this.shownText = text;
      this.text.text = text;
    }
    const key = `${series.length}:${series[series.length - 1] ?? ''}:${series[0] ?? ''}`;
    if (key !== this.shownSeriesKey) {
      this.shownSeriesKey = key;
      this.sparkline.setSeries(series);
    }
  }
}
