// The noise zone: a translucent red-orange shell that orbits through the brain (the sim's noise zone,
// drawn as a volume). Fresnel opacity makes the rim glow and the middle clear, so nodes inside stay visible.
import type { Scene } from '@babylonjs/core/scene';
import type { Mesh } from '@babylonjs/core/Meshes/mesh';
import { CreateSphere } from '@babylonjs/core/Meshes/Builders/sphereBuilder';
import { StandardMaterial } from '@babylonjs/core/Materials/standardMaterial';
import { FresnelParameters } from '@babylonjs/core/Materials/fresnelParameters';
import { Color3 } from '@babylonjs/core/Maths/math.color';

export class NoiseZoneSphere {
  readonly mesh: Mesh;

  constructor(scene: Scene) {
    this.mesh = CreateSphere('noiseZone', { diameter: 2, segments: 32 }, scene);
    const material = new StandardMaterial('noiseZoneMaterial', scene);
    material.disableLighting = true;
    material.emissiveColor = new Color3(1.0, 0.32, 0.1);
    // Babylon adds the fresnel opacity to material.alpha: 0.02 + 0.03 facing the camera, up to 0.4 at the rim.
    material.alpha = 0.02;
    material.opacityFresnelParameters = new FresnelParameters({
      // Babylon's shader: alpha += left·(1 − f) + right·f, f = fresnel term (0 facing the camera, 1 at the rim).
      leftColor: new Color3(0.03, 0.03, 0.03), // facing the camera: nearly clear
      rightColor: new Color3(0.4, 0.4, 0.4), // at grazing angles: the glowing rim
      power: 3,
      bias: 0,
    });
    material.disableDepthWrite = true;
    this.mesh.material = material;
    this.mesh.isPickable = false;
  }

  /** zone = [x, y, z, radius]. */
  update(zone: Float32Array, visible: boolean): void {
    this.mesh.isVisible = visible && zone[3] > 0;
    this.mesh.position.set(zone[0], zone[1], zone[2]);
    this.mesh.scaling.setAll(zone[3]);
  }
}
