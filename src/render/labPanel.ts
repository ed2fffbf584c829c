// The lab's control panel (@babylonjs/gui, on a GUI texture of its own, repainted only when the panel changes and
// drawn through one quad around it, src/app/app.ts; one draw call whatever the number of settings): scenario
// presets with their caption, one row per `qres sim` setting, and the `qres sim` line of the same run. Collapsible
// (its header button, or L). Keyboard: Tab/Shift+Tab moves between the header, the presets and the settings; on a
// setting, Enter/Space/→ takes the next value and ← the previous one. Every change goes to `onChange` (the app
// restarts the run from the seed and writes the link).
import type { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import { Control } from '@babylonjs/gui/2D/controls/control';
import { FocusableButton } from '@babylonjs/gui/2D/controls/focusableButton';
import { Rectangle } from '@babylonjs/gui/2D/controls/rectangle';
import { StackPanel } from '@babylonjs/gui/2D/controls/stackPanel';
import { TextBlock } from '@babylonjs/gui/2D/controls/textBlock';
import { cliFlags, formatValue, LAB_SETTINGS, PRESETS, presetOf, stepValue, settingValue, type LabConfig, type LabSetting } from '../app/labSettings';

export const GUI_FONT = '"DejaVu Sans Mono", Menlo, Consolas, monospace';
export const GUI_GREEN = 'rgba(0, 255, 128, 0.9)';
const FOCUS = '#ffffff';
const PANEL_WIDTH = 300;

/** A keyboard-reachable button with one line of text. */
export function textButton(name: string, text: string, width: number, height = 20): { button: FocusableButton; label: TextBlock } {
  const button = new FocusableButton(name);
  button.width = `${width}px`;
  button.height = `${height}px`;
  button.thickness = 1;
  button.cornerRadius = 3;
  button.color = 'rgba(0, 255, 128, 0.35)';
  button.focusedColor = FOCUS;
  button.background = 'rgba(0, 40, 30, 0.55)';
  button.tabIndex = 0;
  button.hoverCursor = 'pointer';
  const label = new TextBlock(`${name}Text`, text);
  label.fontFamily = GUI_FONT;
  label.fontSize = 12;
  label.color = GUI_GREEN;
  label.textWrapping = false;
  button.addControl(label);
  return { button, label };
}

function text(name: string, value: string, size = 12, color = GUI_GREEN): TextBlock {
  const t = new TextBlock(name, value);
  t.fontFamily = GUI_FONT;
  t.fontSize = size;
  t.color = color;
  t.textHorizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
  t.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_LEFT;
  return t;
}

const isNext = (e: { key: string }) => e.key === 'ArrowRight' || e.key === ' ' || e.key === 'Enter';

export class LabPanel {
  readonly root: Rectangle;
  readonly header: FocusableButton;
  private readonly body: StackPanel;
  private readonly caption: TextBlock;
  private readonly command: TextBlock;
  private readonly presetLabels = new Map<string, TextBlock>();
  private readonly rows = new Map<string, TextBlock>();
  private config: LabConfig = {};
  private open = false;
  /** The body's keyboard stops, in Tab order (they leave the Tab order while the panel is collapsed). */
  private readonly stops: FocusableButton[] = [];

  constructor(
    ui: AdvancedDynamicTexture,
    private readonly onChange: (config: LabConfig) => void,
  ) {
    this.root = new Rectangle('labPanel');
    this.root.width = `${PANEL_WIDTH}px`;
    this.root.adaptHeightToChildren = true;
    this.root.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
    this.root.verticalAlignment = Control.VERTICAL_ALIGNMENT_TOP;
    this.root.left = '-10px';
    this.root.top = '10px';
    this.root.thickness = 0;
    this.root.cornerRadius = 6;
    this.root.background = 'rgba(0, 12, 24, 0.72)';
    this.root.isPointerBlocker = true;
    ui.addControl(this.root);

    const stack = new StackPanel('labStack');
    stack.paddingTop = '4px';
    stack.paddingBottom = '6px';
    this.root.addControl(stack);

    const header = textButton('labHeader', '', PANEL_WIDTH - 12, 22);
    this.header = header.button;
    this.header.onPointerClickObservable.add(() => this.toggle());
    this.header.onKeyboardEventProcessedObservable.add((e) => {
      if (e.key === ' ' || e.key === 'Enter') this.toggle();
    });
    this.header.tabIndex = 1;
    stack.addControl(this.header);
    this.headerLabel = header.label;

    this.body = new StackPanel('labBody');
    stack.addControl(this.body);

    this.body.addControl(this.spacer(4));
    this.body.addControl(this.title('labPresetsTitle', 'SCENARIOS'));
    for (const preset of PRESETS) {
      const b = textButton(`preset-${preset.id}`, preset.name, PANEL_WIDTH - 12);
      b.button.paddingTop = '1px';
      b.button.height = '21px';
      const apply = () => this.onChange({ ...preset.config, nodes: this.config.nodes, seed: this.config.seed });
      b.button.onPointerClickObservable.add(apply);
      b.button.onKeyboardEventProcessedObservable.add((e) => {
        if (e.key === ' ' || e.key === 'Enter') apply();
      });
      this.presetLabels.set(preset.id, b.label);
      this.stops.push(b.button);
      this.body.addControl(b.button);
    }
    this.caption = text('labCaption', '', 11, 'rgba(200, 255, 230, 0.85)');
    this.caption.textWrapping = true;
    this.caption.width = `${PANEL_WIDTH - 16}px`;
    this.caption.resizeToFit = true;
    this.caption.paddingLeft = '4px';
    this.caption.paddingTop = '4px';
    this.body.addControl(this.caption);

    this.body.addControl(this.spacer(4));
    this.body.addControl(this.title('labSettingsTitle', 'SETTINGS (a change restarts from the seed)'));
    for (const setting of LAB_SETTINGS) this.body.addControl(this.row(setting));

    this.command = text('labCommand', '', 10, 'rgba(160, 220, 200, 0.75)');
    this.command.textWrapping = true;
    this.command.width = `${PANEL_WIDTH - 16}px`;
    this.command.resizeToFit = true;
    this.command.paddingLeft = '4px';
    this.command.paddingTop = '4px';
    this.body.addControl(this.command);
    this.setOpen(false);
  }

  private readonly headerLabel: TextBlock;

  private title(name: string, value: string): TextBlock {
    const t = text(name, value, 11, 'rgba(0, 255, 128, 0.6)');
    t.height = '16px';
    t.paddingLeft = '8px';
    return t;
  }

  private spacer(px: number): Rectangle {
    const r = new Rectangle();
    r.height = `${px}px`;
    r.thickness = 0;
    return r;
  }

  private row(setting: LabSetting): StackPanel {
    const row = new StackPanel(`row-${setting.param}`);
    row.isVertical = false;
    row.height = '20px';
    const name = text(`label-${setting.param}`, setting.label, 12, 'rgba(190, 240, 220, 0.85)');
    name.width = '120px';
    name.paddingLeft = '8px';
    row.addControl(name);
    const step = (dir: 1 | -1) => {
      const next = stepValue(setting, settingValue(this.config, setting.key), dir);
      this.onChange({ ...this.config, [setting.key]: next });
    };
    const prev = textButton(`prev-${setting.param}`, '‹', 22, 19);
    prev.button.tabIndex = -1;
    prev.button.onPointerClickObservable.add(() => step(-1));
    const value = textButton(`value-${setting.param}`, '', 126, 19);
    value.button.onPointerClickObservable.add(() => step(1));
    value.button.onKeyboardEventProcessedObservable.add((e) => {
      if (isNext(e)) step(1);
      else if (e.key === 'ArrowLeft') step(-1);
    });
    const next = textButton(`next-${setting.param}`, '›', 22, 19);
    next.button.tabIndex = -1;
    next.button.onPointerClickObservable.add(() => step(1));
    row.addControl(prev.button);
    row.addControl(value.button);
    row.addControl(next.button);
    this.rows.set(setting.param, value.label);
    this.stops.push(value.button);
    return row;
  }

  get isOpen(): boolean {
    return this.open;
  }

  toggle(): void {
    this.setOpen(!this.open);
  }

  setOpen(open: boolean): void {
    this.open = open;
    this.body.isVisible = open;
    this.stops.forEach((b, i) => {
      b.tabIndex = open ? 2 + i : -1;
    });
    this.headerLabel.text = open ? '▾ LAB · scenarios and settings' : '▸ LAB · scenarios and settings (L)';
  }

  set visible(value: boolean) {
    this.root.isVisible = value;
  }

  /** Shows `config` (the running run's lab settings). */
  show(config: LabConfig): void {
    this.config = { ...config };
    for (const setting of LAB_SETTINGS) {
      const label = this.rows.get(setting.param);
      if (label) label.text = formatValue(setting, settingValue(config, setting.key));
    }
    const preset = presetOf({ ...config, nodes: undefined, seed: undefined });
    for (const [id, label] of this.presetLabels) label.text = `${id === preset?.id ? '● ' : '  '}${PRESETS.find((p) => p.id === id)!.name}`;
    this.caption.text = preset ? preset.caption : 'Custom settings: no preset.';
    const flags = cliFlags(config);
    this.command.text = `same run: npm run qres -- sim${flags.length ? ` ${flags.join(' ')}` : ''}`;
  }
}
