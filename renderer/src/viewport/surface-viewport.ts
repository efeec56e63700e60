/**
 * The 3D view: each visible structure as a surface (marching cubes on its mask, cropped to the
 * mask's bounding box first so a small tumour in a large grid stays fast), in patient space,
 * seen from the front with the head up. Rotate with the left button, zoom with the wheel.
 * Like MprViewport, the only owner of its vtk.js objects.
 */
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import { maskBounds } from './surface-bounds.ts';
import { vtkDirection, indexToWorld } from './view-geometry.ts';

/** A structure to show as a surface. */
export interface SurfaceInput {
  readonly id: string;
  readonly data: Uint8Array;
  readonly color: readonly [number, number, number];
  /** Bumped on every edit: the surface is rebuilt when it changes. */
  readonly version: number;
}

/** The grid the masks lie on. */
export interface SurfaceGrid {
  readonly size: readonly [number, number, number];
  readonly spacing: readonly [number, number, number];
  readonly affine: readonly number[];
}

type Surface = { key: string; actor: ReturnType<typeof vtkActor.newInstance>; mapper: ReturnType<typeof vtkMapper.newInstance> };

/** The vtk.js 3D view. */
export class SurfaceViewport {
  readonly #renderWindow = vtkRenderWindow.newInstance();
  readonly #gl = vtkOpenGLRenderWindow.newInstance();
  readonly #renderer = vtkRenderer.newInstance({ background: [0.07, 0.08, 0.09] });
  readonly #interactor = vtkRenderWindowInteractor.newInstance();
  readonly #container: HTMLElement;
  readonly #surfaces = new Map<string, Surface>();
  #cameraSet = false;

  constructor(container: HTMLElement) {
    this.#container = container;
    this.#renderWindow.addRenderer(this.#renderer);
    this.#renderWindow.addView(this.#gl);
    this.#gl.setContainer(container);
    this.#interactor.setView(this.#gl);
    this.#interactor.initialize();
    this.#interactor.bindEvents(container);
    this.#interactor.setInteractorStyle(vtkInteractorStyleTrackballCamera.newInstance());
    this.resize();
  }

  /** Fit the canvas to its container. */
  resize(): void {
    const r = this.#container.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.#gl.setSize(Math.max(1, Math.floor(r.width * dpr)), Math.max(1, Math.floor(r.height * dpr)));
    this.#renderWindow.render();
  }

  /** Show these structures; surfaces are rebuilt only for new ids or versions. */
  setSurfaces(inputs: readonly SurfaceInput[], grid: SurfaceGrid): void {
    const wanted = new Set(inputs.map((s) => s.id));
    for (const [id, s] of this.#surfaces) {
      if (!wanted.has(id)) {
        this.#remove(s);
        this.#surfaces.delete(id);
      }
    }
    for (const input of inputs) {
      const key = `${input.version}|${input.color.join(',')}`;
      const old = this.#surfaces.get(input.id);
      if (old?.key === key) continue;
      if (old) this.#remove(old);
      const built = this.#build(input, grid, key);
      if (built) this.#surfaces.set(input.id, built);
      else this.#surfaces.delete(input.id);
    }
    if (!this.#cameraSet && this.#surfaces.size > 0) {
      // From the front (patient anterior is −y in LPS), head up.
      const cam = this.#renderer.getActiveCamera();
      cam.setFocalPoint(0, 0, 0);
      cam.setPosition(0, -1, 0);
      cam.setViewUp(0, 0, 1);
      this.#renderer.resetCamera();
      this.#cameraSet = true;
    }
    this.#renderWindow.render();
  }

  /** Number of triangles shown (for tests and diagnostics). */
  get polygonCount(): number {
    let n = 0;
    for (const s of this.#surfaces.values()) n += s.mapper.getInputData()?.getNumberOfPolys() ?? 0;
    return n;
  }

  #build(input: SurfaceInput, grid: SurfaceGrid, key: string): Surface | null {
    const b = maskBounds(input.data, grid.size);
    if (!b) return null;
    const [nx, ny] = grid.size;
    const dims = [b[1] - b[0] + 1, b[3] - b[2] + 1, b[5] - b[4] + 1];
    const crop = new Uint8Array(dims[0] * dims[1] * dims[2]);
    for (let k = 0, n = 0; k < dims[2]; k++) {
      const kk = b[4] + k;
      for (let j = 0; j < dims[1]; j++) {
        const jj = b[2] + j;
        for (let i = 0; i < dims[0]; i++, n++) {
          const ii = b[0] + i;
          const inside = ii >= 0 && jj >= 0 && kk >= 0 && ii < nx && jj < ny && kk < grid.size[2];
          crop[n] = inside ? input.data[ii + nx * (jj + ny * kk)] : 0;
        }
      }
    }
    const image = vtkImageData.newInstance();
    image.setDimensions(dims);
    image.setSpacing([grid.spacing[0], grid.spacing[1], grid.spacing[2]]);
    image.setOrigin(indexToWorld(grid.affine, [b[0], b[2], b[4]]));
    image.setDirection(Float32Array.from(vtkDirection(grid.affine)));
    image.getPointData().setScalars(vtkDataArray.newInstance({ numberOfComponents: 1, values: crop, name: 'mask' }));
    const mc = vtkImageMarchingCubes.newInstance({ contourValue: 0.5, computeNormals: true, mergePoints: true });
    mc.setInputData(image);
    const poly = mc.getOutputData();
    const mapper = vtkMapper.newInstance({ scalarVisibility: false });
    mapper.setInputData(poly);
    const actor = vtkActor.newInstance();
    actor.setMapper(mapper);
    actor.getProperty().setColor(input.color[0] / 255, input.color[1] / 255, input.color[2] / 255);
    actor.getProperty().setOpacity(0.85);
    this.#renderer.addActor(actor);
    mc.delete();
    image.delete();
    return { key, actor, mapper };
  }

  #remove(s: Surface): void {
    this.#renderer.removeActor(s.actor);
    s.actor.delete();
    s.mapper.delete();
  }

  /** Free every vtk.js object and the WebGL context. */
  delete(): void {
    for (const s of this.#surfaces.values()) this.#remove(s);
    this.#surfaces.clear();
    this.#interactor.unbindEvents();
    this.#interactor.delete();
    this.#gl.setContainer(null as unknown as HTMLElement);
    this.#renderWindow.removeRenderer(this.#renderer);
    this.#renderer.delete();
    this.#gl.delete();
    this.#renderWindow.delete();
  }
}
