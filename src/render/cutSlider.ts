// The cutaway's handle (@babylonjs/gui): a vertical slider at the right edge, shown while the cut is on. Dragging
// it moves the clipping plane along the view axis (bottom: deep cut, top: shallow; the middle through the centre).
import type { AdvancedDynamicTexture } from '@babylonjs/gui/2D/advancedDynamicTexture';
import { Control } from '@babylonjs/gui/2D/controls/control';
import { Slider } from '@babylonjs/gui/2D/controls/sliders/slider';

export class CutSlider {
  readonly slider: Slider;

  constructor(ui: AdvancedDynamicTexture, onChange: (share: number) => void) {
    this.slider = new Slider('cutSlider');
    this.slider.isVertical = true;
    this.slider.minimum = -0.9;
    this.slider.maximum = 0.9;
    this.slider.value = 0;
    this.slider.width = '18px';
    this.slider.height = '200px';
    this.slider.horizontalAlignment = Control.HORIZONTAL_ALIGNMENT_RIGHT;
    this.slider.verticalAlignment = Control.VERTICAL_ALIGNMENT_BOTTOM;
    this.slider.left = '-14px';
    this.slider.top = '-70px';
    this.slider.color = 'rgba(0, 255, 128, 0.9)';
    this.slider.background = 'rgba(0, 40, 30, 0.7)';
    this.slider.borderColor = 'rgba(0, 255, 128, 0.5)';
    this.slider.isPointerBlocker = true;
    this.slider.isVisible = false;
    this.slider.onValueChangedObservable.add((v) => onChange(v));
    ui.addControl(this.slider);
  }

  set value(v: number) {
    this.slider.value = v;
  }

  set visible(v: boolean) {
    this.slider.isVisible = v;
  }
}
