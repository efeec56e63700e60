/**
 * One 2D MPR view rendered by vtk.js: the base image, an optional fusion layer (PET/MR) and
 * one overlay per structure mask, sliced along the index axis nearest the view's normal and
 * seen through a radiological parallel camera. This class is the only place that creates and
 * `delete()`s vtk.js objects; components talk to it in voxels, millimetres and CSS pixels.
 * Interaction is not vtk.js's: the component handles events and calls these methods.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkImageMapper from '@kitware/vtk.js/Rendering/Core/ImageMapper';
import vtkImageSlice from '@kitware/vtk.js/Rendering/Core/ImageSlice';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { Voxels } from '../api/client.ts';
import type { Axis } from '../tools/mask-grid.ts';
import { COLORMAPS, type ColormapName } from './colormaps.ts';
import { CAMERAS, indexToWorld, sliceAxis, vtkDirection, type Vec3, type ViewCamera, type ViewKind } from './view-geometry.ts';

/** A voxel grid to show. */
export interface ViewImage {
  readonly values: Voxels;
  readonly size: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  /** Row-major 4×4, (i, j, k, 1) → LPS mm. */
  readonly affine: readonly number[];
}

/** A structure overlay. */
export interface ViewMask {
  readonly id: string;
  readonly data: Uint8Array;
  readonly color: readonly [number, number, number];
  readonly visible: boolean;
  /** Opacity of the inside (0: outline only); the outline is always opaque. */
  readonly fill: number;
}

type Layer = { image: ReturnType<typeof vtkImageData.newInstance>; mapper: ReturnType<typeof vtkImageMapper.newInstance>; actor: ReturnType<typeof vtkImageSlice.newInstance>; array: ReturnType<typeof vtkDataArray.newInstance> };

function makeImage(img: ViewImage): Pick<Layer, 'image' | 'array'> {
  const image = vtkImageData.newInstance();
  image.setDimensions([img.size[0], img.size[1], img.size[2]]);
  image.setSpacing([img.spacing[0], img.spacing[1], img.spacing[2]]);
  image.setOrigin([img.affine[3], img.affine[7], img.affine[11]]);
  image.setDirection(Float32Array.from(vtkDirection(img.affine)));
  const array = vtkDataArray.newInstance({ numberOfComponents: 1, values: img.values, name: 'voxels' });
  image.getPointData().setScalars(array);
  return { image, array };
}

/** The vtk.js view. */
export class MprViewport {
  readonly kind: ViewKind;
  readonly #renderWindow = vtkRenderWindow.newInstance();
  readonly #gl = vtkOpenGLRenderWindow.newInstance();
  readonly #renderer = vtkRenderer.newInstance({ background: [0, 0, 0] });
  readonly #container: HTMLElement;
  #base: Layer | null = null;
  #baseImage: ViewImage | null = null;
  #fusion: Layer | null = null;
  #uncertainty: Layer | null = null;
  readonly #masks = new Map<string, Layer>();
  #axis: Axis = 2;
  #slice = 0;
  #focal: Vec3 = [0, 0, 0];
  #parallelScale = 100;
  #fitScale = 100;
  #renderQueued = false;
  #cameraKey = '';
  /** Called after each frame is drawn (FPS measurement, overlays that follow the camera). */
  onRender: () => void = () => {};

  constructor(container: HTMLElement, kind: ViewKind) {
    this.kind = kind;
    this.#container = container;
    this.#renderWindow.addRenderer(this.#renderer);
    this.#renderWindow.addView(this.#gl);
    this.#gl.setContainer(container);
    this.resize();
    const cam = this.#renderer.getActiveCamera();
    cam.setParallelProjection(true);
  }

  /** The index axis this view slices. */
  get axis(): Axis {
    return this.#axis;
  }

  /** Current slice index along {@link axis}. */
  get slice(): number {
    return this.#slice;
  }

  /** Number of slices along {@link axis}. */
  get sliceCount(): number {
    return this.#baseImage ? this.#baseImage.size[this.#axis] : 0;
  }

  /** Camera placement in CSS pixels, for converting pointer positions. */
  get camera(): ViewCamera {
    const r = this.#container.getBoundingClientRect();
    return { focal: [...this.#focal] as Vec3, parallelScale: this.#parallelScale, width: r.width, height: r.height };
  }

  /** Fit the canvas to its container (after layout changes). */
  resize(): void {
    const r = this.#container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.#gl.setSize(Math.max(1, Math.floor(r.width * dpr)), Math.max(1, Math.floor(r.height * dpr)));
    this.#applyCamera();
  }

  /** Show a base image (the planning CT) with a window. Replaces any earlier one and resets the camera. */
  setBase(img: ViewImage, window: { width: number; center: number }): void {
    if (this.#base) this.#removeLayer(this.#base);
    this.#baseImage = img;
    this.#axis = sliceAxis(img.affine, this.kind);
    this.#base = this.#addLayer(img, this.#axis);
    this.#base.actor.getProperty().setInterpolationTypeToLinear();
    this.setWindow(window.width, window.center);
    this.resetCamera();
    this.setSlice(Math.floor(img.size[this.#axis] / 2));
  }

  /** Window/level of the base image (display units). */
  setWindow(width: number, center: number): void {
    if (!this.#base) return;
    this.#base.actor.getProperty().setColorWindow(Math.max(width, 1e-6));
    this.#base.actor.getProperty().setColorLevel(center);
    this.requestRender();
  }

  /** Show (or with null, remove) a fusion layer on the base grid, coloured over `range` with `opacity`. */
  setFusion(img: ViewImage | null, colormap: ColormapName, range: readonly [number, number], opacity: number): void {
    if (this.#fusion) this.#removeLayer(this.#fusion);
    this.#fusion = null;
    if (img) {
      this.#fusion = this.#addLayer(img, sliceAxis(img.affine, this.kind));
      this.setFusionStyle(colormap, range, opacity);
      this.#syncSlices();
    }
    this.requestRender();
  }

  /** Change the fusion colour map, value range and opacity. */
  setFusionStyle(colormap: ColormapName, range: readonly [number, number], opacity: number): void {
    if (!this.#fusion) return;
    const ctf = vtkColorTransferFunction.newInstance();
    const [lo, hi] = range;
    for (const [t, r, g, b] of COLORMAPS[colormap]) ctf.addRGBPoint(lo + t * (hi - lo), r, g, b);
    // Low values fade out so the CT stays visible where there is no uptake.
    const pwf = vtkPiecewiseFunction.newInstance();
    pwf.addPoint(lo, 0);
    pwf.addPoint(lo + 0.15 * (hi - lo), 1);
    pwf.addPoint(hi, 1);
    const prop = this.#fusion.actor.getProperty();
    prop.setRGBTransferFunction(0, ctf);
    prop.setScalarOpacity(0, pwf);
    prop.setUseLookupTableScalarRange(true);
    prop.setOpacity(opacity);
    prop.setInterpolationTypeToLinear();
    this.requestRender();
  }

  /**
   * Show (or with null, hide) the model's uncertainty (branch disagreement, 0–1) on the base
   * grid: transparent where the branches agree, magenta where they disagree most.
   */
  setUncertainty(img: ViewImage | null): void {
    if (this.#uncertainty) this.#removeLayer(this.#uncertainty);
    this.#uncertainty = null;
    if (img) {
      this.#uncertainty = this.#addLayer(img, this.#axis);
      const ctf = vtkColorTransferFunction.newInstance();
      ctf.addRGBPoint(0, 0.5, 0, 1);
      ctf.addRGBPoint(0.5, 1, 0, 1);
      const pwf = vtkPiecewiseFunction.newInstance();
      pwf.addPoint(0.05, 0);
      pwf.addPoint(0.5, 0.8);
      const prop = this.#uncertainty.actor.getProperty();
      prop.setRGBTransferFunction(0, ctf);
      prop.setScalarOpacity(0, pwf);
      prop.setUseLookupTableScalarRange(true);
      this.#syncSlices();
    }
    this.requestRender();
  }

  /** Make the mask overlays match `masks` (added, removed, recoloured, shown or hidden). */
  setMasks(masks: readonly ViewMask[], grid: ViewImage): void {
    const wanted = new Set(masks.map((m) => m.id));
    for (const [id, layer] of this.#masks) {
      if (!wanted.has(id)) {
        this.#removeLayer(layer);
        this.#masks.delete(id);
      }
    }
    for (const m of masks) {
      let layer = this.#masks.get(m.id);
      if (!layer || layer.array.getData() !== m.data) {
        if (layer) this.#removeLayer(layer);
        layer = this.#addLayer({ ...grid, values: m.data }, this.#axis);
        this.#masks.set(m.id, layer);
      }
      const ctf = vtkColorTransferFunction.newInstance();
      ctf.addRGBPoint(0, 0, 0, 0);
      ctf.addRGBPoint(1, m.color[0] / 255, m.color[1] / 255, m.color[2] / 255);
      const pwf = vtkPiecewiseFunction.newInstance();
      pwf.addPoint(0, 0);
      pwf.addPoint(1, m.fill);
      const prop = layer.actor.getProperty();
      prop.setRGBTransferFunction(0, ctf);
      prop.setScalarOpacity(0, pwf);
      prop.setUseLookupTableScalarRange(true);
      prop.setInterpolationTypeToNearest();
      prop.setOpacity(1);
      // Only the fill is drawn here (outlines are an SVG overlay); no fill, no draw call.
      layer.actor.setVisibility(m.visible && m.fill > 0);
    }
    this.#syncSlices();
    this.requestRender();
  }

  /** Tell vtk.js a mask's voxels changed in place (after a brush stroke, undo, …). */
  maskModified(id: string): void {
    const layer = this.#masks.get(id);
    if (!layer) return;
    layer.array.modified();
    layer.image.modified();
    this.requestRender();
  }

  /** Go to a slice (clamped) along this view's axis. */
  setSlice(index: number): void {
    if (!this.#baseImage) return;
    const n = this.#baseImage.size[this.#axis];
    this.#slice = Math.max(0, Math.min(n - 1, Math.round(index)));
    this.#syncSlices();
    // Keep the focal point on the slice plane so the camera looks at what is drawn.
    const ijk = [0, 0, 0];
    ijk[this.#axis] = this.#slice;
    const onPlane = indexToWorld(this.#baseImage.affine, ijk);
    const w = CAMERAS[this.kind].dop.findIndex((v) => v !== 0);
    this.#focal[w] = onPlane[w];
    this.#applyCamera();
  }

  /** LPS coordinate of the current slice along the view's normal (mm). */
  get slicePositionMm(): number {
    return this.#focal[CAMERAS[this.kind].dop.findIndex((v) => v !== 0)];
  }

  /** Fit the whole image in the view, centred. */
  resetCamera(): void {
    const img = this.#baseImage;
    if (!img) return;
    const c = indexToWorld(img.affine, [(img.size[0] - 1) / 2, (img.size[1] - 1) / 2, (img.size[2] - 1) / 2]);
    this.#focal = c;
    // Half-height that fits both extents of the in-plane axes.
    const r = this.#container.getBoundingClientRect();
    const aspect = r.width > 0 && r.height > 0 ? r.width / r.height : 1;
    const ext = [0, 1, 2].map((a) => img.size[a] * img.spacing[a]);
    const up = CAMERAS[this.kind].up.findIndex((v) => v !== 0);
    const right = [0, 1, 2].find((a) => a !== up && CAMERAS[this.kind].dop[a] === 0)!;
    const extent = (worldAxis: number) => ext[sliceAxisFor(img.affine, worldAxis)];
    this.#fitScale = Math.max(extent(up) / 2, extent(right) / 2 / aspect) * 1.02;
    this.#parallelScale = this.#fitScale;
    this.setSlice(this.#slice);
  }

  /** Zoom by a factor (> 1 zooms in) around the view centre. */
  zoomBy(factor: number): void {
    this.#parallelScale = Math.max(this.#fitScale / 40, Math.min(this.#fitScale * 4, this.#parallelScale / factor));
    this.#applyCamera();
  }

  /** Move the image by a screen offset in CSS pixels. */
  panBy(dx: number, dy: number): void {
    const cam = this.camera;
    const mmPerPx = (2 * cam.parallelScale) / cam.height;
    const r = rightOfKind(this.kind);
    const u = CAMERAS[this.kind].up;
    for (let a = 0; a < 3; a++) this.#focal[a] -= (dx * r[a] - dy * u[a]) * mmPerPx;
    this.#applyCamera();
  }

  /** Centre the view's in-plane position on an LPS point (linked crosshair), keeping the slice. */
  centreOn(p: readonly number[]): void {
    const w = CAMERAS[this.kind].dop.findIndex((v) => v !== 0);
    for (let a = 0; a < 3; a++) if (a !== w) this.#focal[a] = p[a];
    this.#applyCamera();
  }

  /** Draw on the next animation frame (many changes in one frame draw once). */
  requestRender(): void {
    if (this.#renderQueued) return;
    this.#renderQueued = true;
    requestAnimationFrame(() => {
      this.#renderQueued = false;
      this.renderNow();
    });
  }

  /** Draw now. */
  renderNow(): void {
    this.#renderWindow.render();
    this.onRender();
  }

  /** Free every vtk.js object and the WebGL context. */
  delete(): void {
    for (const l of this.#masks.values()) this.#removeLayer(l);
    this.#masks.clear();
    if (this.#fusion) this.#removeLayer(this.#fusion);
    if (this.#uncertainty) this.#removeLayer(this.#uncertainty);
    if (this.#base) this.#removeLayer(this.#base);
    this.#fusion = this.#uncertainty = this.#base = null;
    this.#gl.setContainer(null as unknown as HTMLElement);
    this.#renderWindow.removeRenderer(this.#renderer);
    this.#renderer.delete();
    this.#gl.delete();
    this.#renderWindow.delete();
  }

  #syncSlices(): void {
    this.#base?.mapper.setSlice(this.#slice);
    for (const l of this.#masks.values()) l.mapper.setSlice(this.#slice);
    // The fusion layer lies on the base grid (resampled by main), so the same index fits.
    this.#fusion?.mapper.setSlice(this.#slice);
    this.#uncertainty?.mapper.setSlice(this.#slice);
  }

  #applyCamera(): void {
    // Linked views all hear every crosshair move; only a real change is worth a frame.
    const key = `${this.#focal.join(',')}|${this.#parallelScale}|${this.#slice}|${this.#gl.getSize().join(',')}`;
    if (key === this.#cameraKey) return;
    this.#cameraKey = key;
    const cam = this.#renderer.getActiveCamera();
    const { dop, up } = CAMERAS[this.kind];
    const d = 1000;
    cam.setFocalPoint(...this.#focal);
    cam.setPosition(this.#focal[0] - dop[0] * d, this.#focal[1] - dop[1] * d, this.#focal[2] - dop[2] * d);
    cam.setViewUp(...up);
    cam.setParallelScale(this.#parallelScale);
    this.#renderer.resetCameraClippingRange();
    this.requestRender();
  }

  /** A new image layer sliced along `axis`, added to the renderer (removed by #removeLayer). */
  #addLayer(img: ViewImage, axis: number): Layer {
    const { image, array } = makeImage(img);
    const mapper = vtkImageMapper.newInstance();
    mapper.setInputData(image);
    mapper.setSlicingMode(axis);
    const actor = vtkImageSlice.newInstance();
    actor.setMapper(mapper);
    this.#renderer.addActor(actor);
    return { image, mapper, actor, array };
  }

  #removeLayer(l: Layer): void {
    this.#renderer.removeActor(l.actor);
    l.actor.delete();
    l.mapper.delete();
    l.image.delete();
    l.array.delete();
  }
}

function rightOfKind(kind: ViewKind): Vec3 {
  const { dop, up } = CAMERAS[kind];
  return [dop[1] * up[2] - dop[2] * up[1], dop[2] * up[0] - dop[0] * up[2], dop[0] * up[1] - dop[1] * up[0]];
}

/** Index axis most aligned with a world axis. */
function sliceAxisFor(affine: readonly number[], worldAxis: number): number {
  let best = 0;
  let bestValue = -1;
  for (let c = 0; c < 3; c++) {
    const col = [affine[c], affine[4 + c], affine[8 + c]];
    const v = Math.abs(col[worldAxis]) / Math.hypot(col[0], col[1], col[2]);
    if (v > bestValue) { bestValue = v; best = c; }
  }
  return best;
}
