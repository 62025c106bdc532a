// The WebGL map: a thin layer over regl-scatterplot.
import type { Texture2D } from "regl";
import createScatterplot from "regl-scatterplot";
import { heldCamera } from "./held-camera";
import type { MapCallbacks, MapData, MapMode, MapSurface, MapTheme } from "./map-surface";
import { CAMERA_MS, GLIDE_MS, markStage } from "./motion";
import { buildSpatialIndex, nearestPoint, type Pickable, pickable, pickRadius, pointSizeOnScreen } from "./pick";
import { type Box, type Camera, dataBox, fitCamera, type Normalisation } from "./points";
import { acquireRenderer, type Renderer, releaseRenderer, sizeRenderer } from "./shared-renderer";

type Scatterplot = ReturnType<typeof createScatterplot>;

/** Whether this browser can give us a WebGL context at all. */
export function hasWebGL(): boolean {
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl");
    gl?.getExtension("WEBGL_lose_context")?.loseContext();
    return gl !== null;
  } catch {
    return false;
  }
}

/** regl-scatterplot on a canvas filling `container`. */
export class WebglMap implements MapSurface {
  readonly renderer = "webgl";
  readonly canvas: HTMLCanvasElement;
  readonly drawnCount = null;
  private readonly gl: Renderer;
  private readonly plot: Scatterplot;
  private data: MapData | null = null;
  /** How the points being drawn (or last drawn) were normalised: what fit() frames. */
  private framing: Normalisation | null = null;
  private width = 1;
  private height = 1;
  private fitted: Camera | null = null;
  /** How long the last draw without a transition took to reach the screen (ms). */
  private frameMs = 0;
  /** Our own KDBush of the points drawn (regl-scatterplot is handed the same one): hover picks from it. */
  private pickable: Pickable | null = null;
  private indexBuffer: ArrayBuffer | null = null;
  private pointSize = 6;
  private densityImage: HTMLCanvasElement | null = null;
  private density: Texture2D | null = null;
  /** The opacity last set (-1: none yet, regl-scatterplot's default). */
  private opacity = -1;
  private mode: MapMode = "pan";
  private readonly stopHover: () => void;
  private readonly stopAnchor: () => void;
  private destroyed = false;

  constructor(container: HTMLElement, callbacks: MapCallbacks) {
    this.canvas = document.createElement("canvas");
    this.canvas.className = "lw-map-canvas";
    container.append(this.canvas);
    const rect = container.getBoundingClientRect();
    this.width = Math.max(1, Math.round(rect.width));
    this.height = Math.max(1, Math.round(rect.height));
    this.gl = acquireRenderer(this, this.width, this.height);
    try {
      this.plot = createScatterplot({
        renderer: this.gl,
        canvas: this.canvas,
        width: this.width,
        height: this.height,
        // Escape is handled by the widget (regl-scatterplot would listen on the whole window).
        deselectOnEscape: false,
        deselectOnDblClick: true,
        opacityInactiveScale: 0.5,
        pointSizeSelected: 2,
        pointOutlineWidth: 1.5,
        // Every move extends the lasso (a throttled one could drop the box's last corner).
        lassoMinDelay: 0,
        lassoMinDist: 2,
        showReticle: false,
      } as Parameters<typeof createScatterplot>[0]);
    } catch (error) {
      releaseRenderer(this, this.gl);
      this.canvas.remove();
      throw error;
    }
    // Events are published asynchronously, so one may arrive after destroy().
    const live = <A extends unknown[]>(fn: (...args: A) => void) => (...args: A) => {
      if (!this.destroyed) fn(...args);
    };
    // Hover is picked from our own index (pick.ts). regl-scatterplot would also raycast, and
    // redraw every point, on each mousemove over a point: moves without a button never reach its
    // window listener. Drags (pan, lasso) still do.
    const stopHover = (event: MouseEvent) => {
      if (event.buttons === 0 && event.target === this.canvas) event.stopPropagation();
    };
    container.addEventListener("mousemove", stopHover);
    // So regl-scatterplot's camera (dom-2d-camera) never saw where the pointer came in, and a drag
    // panned from the last place its frame tick did see: at the press, before its own mousedown
    // (capture phase), show it the pointer and let it tick there, not pressed, so nothing moves.
    const seen = (event: MouseEvent) => {
      if (event.target !== this.canvas) return;
      window.dispatchEvent(new MouseEvent("mousemove", { clientX: event.clientX, clientY: event.clientY }));
      (this.plot.get("camera") as { tick?: () => boolean } | undefined)?.tick?.();
    };
    container.addEventListener("mousedown", seen, { capture: true });
    this.stopHover = () => {
      container.removeEventListener("mousemove", stopHover);
      container.removeEventListener("mousedown", seen, { capture: true });
    };
    // regl-scatterplot starts a lasso or box at the first move after the press, so a fast first
    // move loses a strip: start it at the press (bubbling up to the container, this listener
    // runs after regl-scatterplot's on the canvas).
    const anchor = (event: MouseEvent) => {
      if (event.button !== 0 || event.target !== this.canvas || (this.mode !== "lasso" && this.mode !== "box")) return;
      window.dispatchEvent(new MouseEvent("mousemove", { clientX: event.clientX, clientY: event.clientY, buttons: 1 }));
    };
    container.addEventListener("mousedown", anchor);
    this.stopAnchor = () => container.removeEventListener("mousedown", anchor);
    this.plot.subscribe("select", live(({ points }: { points: number[] }) => callbacks.onSelect(points)));
    this.plot.subscribe("deselect", live(() => callbacks.onSelect([])));
    // Published after "select": the kernel selects among points that are not drawn too.
    this.plot.subscribe("lassoEnd", live(({ coordinates }: { coordinates: (number | number[])[] }) => callbacks.onLasso?.(coordinates.flat())));
    this.plot.subscribe("view", live(() => callbacks.onView()));
  }

  get size(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }

  /** The camera's view matrix (column-major 4x4). */
  get view(): ArrayLike<number> {
    return this.plot.get("cameraView");
  }

  pick(sx: number, sy: number): number {
    if (!this.pickable || !this.data) return -1;
    const radius = pickRadius(pointSizeOnScreen(this.pointSize, this.view[5]));
    return nearestPoint(this.pickable, this.view, this.width, this.height, sx, sy, radius);
  }

  resize(width: number, height: number): void {
    const w = Math.max(1, Math.round(width));
    const h = Math.max(1, Math.round(height));
    if (w === this.width && h === this.height) return;
    // A view the person has not moved since it was framed is framed again for the new size
    // (the first layout often happens after the first draw, in a canvas of another shape).
    const untouched = this.untouched();
    const before = this.height;
    this.width = w;
    this.height = h;
    sizeRenderer(this, w, h);
    this.plot.set({ width: w, height: h });
    if (untouched) void this.fit(false);
    else this.holdScale(before);
  }

  keepView(): void {
    this.fitted = null;
  }

  /** After a resize from `before` px tall: the same centre at the same scale (held-camera.ts). */
  private holdScale(before: number): void {
    const [x, y] = this.plot.get("cameraTarget");
    const { distance } = heldCamera({ target: [x, y], distance: this.plot.get("cameraDistance") }, before, this.height);
    this.plot.set({ cameraDistance: distance } as Parameters<Scatterplot["set"]>[0]);
  }

  setTheme(theme: MapTheme): void {
    this.plot.set({
      backgroundColor: theme.background,
      pointColorActive: theme.accent,
      pointColorHover: theme.hover,
      lassoColor: theme.accent,
      reticleColor: theme.dark ? [1, 1, 1, 0.25] : [0, 0, 0, 0.2],
    } as Parameters<Scatterplot["set"]>[0]);
    if (!this.data?.colors) this.plot.set({ pointColor: theme.accent });
  }

  setStyle(size: number, opacity: number): void {
    // Every set() redraws all points on the next frame, seconds for millions of points in
    // software WebGL: skip one that changes nothing.
    if (size === this.pointSize && opacity === this.opacity) return;
    this.pointSize = size;
    this.opacity = opacity;
    this.plot.set({ pointSize: size, opacity });
  }

  setMode(mode: MapMode): void {
    this.mode = mode;
    this.plot.set({
      mouseMode: mode === "lasso" || mode === "box" ? "lasso" : "panZoom",
      lassoType: mode === "box" ? "rectangle" : "freeform",
    } as Parameters<Scatterplot["set"]>[0]);
  }

  /**
   * Draw new points. With the same count as before the points glide to their new places;
   * `keepIndex` reuses the spatial index when only the colours changed; `glide: false` jumps.
   */
  async draw(data: MapData, selection: readonly number[], accent: string, keepIndex = false, glide = !keepIndex, reframe = false): Promise<boolean> {
    if (this.destroyed) return false;
    markStage("draw");
    const n = data.x.length;
    const sameCount = this.data !== null && this.data.x.length === n && n > 0;
    const colors = data.colors;
    // Set at once, not awaited: its promise waits for the next frame, and the draw (or the
    // glide) would start only a frame later. It rejects only on a destroyed plot, checked above.
    void this.plot.set(
      colors
        ? { colorBy: "valueA", pointColor: colors.palette }
        : { colorBy: null, pointColor: accent },
    );
    const points = colors ? { x: data.x, y: data.y, valueA: colors.values } : { x: data.x, y: data.y };
    const first = this.data === null;
    this.framing = data.norm;
    if (first) {
      // Framed before the first frame: framing after it would cost another full render.
      const camera = fitCamera(dataBox(data.norm), this.width, this.height);
      this.plot.set({ cameraTarget: camera.target, cameraDistance: camera.distance } as Parameters<Scatterplot["set"]>[0]);
      this.fitted = camera;
    }
    // Built here straight from the typed arrays: regl-scatterplot's own path copies a million
    // points into a worker as nested arrays first.
    const reuse = keepIndex && sameCount && this.indexBuffer !== null;
    const spatialIndex = reuse && this.indexBuffer ? this.indexBuffer : buildSpatialIndex(data.x, data.y);
    this.indexBuffer = spatialIndex;
    this.pickable = pickable(spatialIndex, data.x, data.y);
    // Frames slower than half the glide (100k points in software WebGL: about 250 ms) would show
    // it as two or three jumps, late: the points land at once instead.
    const slow = this.frameMs > GLIDE_MS / 2;
    const gliding = sameCount && glide && !slow;
    const framing = gliding && reframe ? this.frameWhileGliding() : null;
    markStage("glide");
    const started = performance.now();
    await this.plot.draw(points, {
      transition: gliding,
      transitionDuration: GLIDE_MS,
      zDataType: colors?.dataType,
      select: [...selection],
      preventFilterReset: true,
      spatialIndex,
    });
    if (!gliding) this.frameMs = performance.now() - started;
    this.data = data;
    if (first) await this.fit(false);
    const framed = framing?.();
    return framed ?? (reframe && !first ? this.fit(!slow) : false);
  }

  /**
   * Frame the points about to glide (`framing`) during their glide: the camera joins their
   * transition as it starts, so that both land together GLIDE_MS later (one after the other they
   * took two animations, each at least two frames of software WebGL). regl-scatterplot starts the
   * transition a few microtasks into draw() and tells of it a task later, before most frames.
   * Call before draw(), and the function returned after it: the camera's promise (resolves like
   * fit()), or null where no transition started (draw() jumped) and the camera is still to move.
   */
  private frameWhileGliding(): () => Promise<boolean> | null {
    const camera = this.framing ? fitCamera(dataBox(this.framing), this.width, this.height) : null;
    if (!camera) return () => null;
    let joined: Promise<boolean> | null = null;
    const join = () => {
      if (this.destroyed) return;
      this.fitted = camera;
      if (this.cameraAt(camera)) {
        joined = Promise.resolve(true);
        return;
      }
      markStage("camera");
      // Starting the camera's transition cuts the points' short: draw() resolves at once, the
      // points still glide (from where they were: the first frame has not come yet), now with it.
      void this.plot.zoomToLocation(camera.target, camera.distance, { transition: true, transitionDuration: GLIDE_MS });
      // A resize during the move: framed again for the canvas it leaves (as fit() does).
      joined = this.arrive(camera).then((arrived) => arrived && this.fit(false));
    };
    const handle = this.plot.subscribe("transitionStart", join, 1);
    return () => {
      if (!joined) this.plot.unsubscribe(handle);
      return joined;
    };
  }

  setDensity(image: HTMLCanvasElement | null): void {
    if (image === this.densityImage) return;
    this.densityImage = image;
    const previous = this.density;
    // Linear filtering: zoomed in, the cells blend rather than show as blocks.
    this.density = image ? this.gl.regl.texture({ data: image, min: "linear", mag: "linear" }) : null;
    this.plot.set({ backgroundImage: this.density } as Parameters<Scatterplot["set"]>[0]);
    previous?.destroy();
  }

  clear(): void {
    this.data = null;
    this.pickable = null;
    this.indexBuffer = null;
    this.framing = null;
    void this.plot.clear();
  }

  select(indices: readonly number[]): void {
    if (indices.length === 0) this.plot.deselect({ preventEvent: true });
    // A copy: regl-scatterplot keeps the array it is given and splices out indices beyond the
    // points it holds, which before the first draw is all of them.
    else this.plot.select([...indices], { preventEvent: true });
  }

  /** Show `index` (-1: none) as hovered without reporting it back (a linked view's hover). */
  hover(index: number): void {
    if (this.data) this.plot.hover(index, { preventEvent: true });
  }

  /**
   * Frame the data in the current canvas. Resolves once the camera is there (true), or once it is
   * clear that it will not get there (false: the person moved it, or the map was destroyed).
   */
  async fit(transition = true): Promise<boolean> {
    if (!this.framing) return false;
    const camera = fitCamera(dataBox(this.framing), this.width, this.height);
    this.fitted = camera;
    if (!(await this.moveTo(camera, transition)) || !this.framing) return false;
    // A resize during an animated move found the camera part-way (not
    // untouched) and left it be: frame again for what the canvas is now.
    const now = fitCamera(dataBox(this.framing), this.width, this.height);
    return this.cameraAt(now) ? true : this.fit(false);
  }

  /** Frame `box` (normalised space), e.g. the selected points; resolves like fit(). */
  zoomTo(box: Box, transition = true): Promise<boolean> {
    return this.moveTo(fitCamera(box, this.width, this.height), transition);
  }

  /** Move the camera to `camera`; resolves whether it got there. */
  private async moveTo(camera: Camera, transition: boolean): Promise<boolean> {
    if (this.cameraAt(camera)) return true;
    if (transition) markStage("camera");
    await this.plot.zoomToLocation(camera.target, camera.distance, { transition, transitionDuration: CAMERA_MS });
    return this.arrive(camera);
  }

  /**
   * Whether the camera reaches `camera`. regl-scatterplot resolves a move at once when it cuts
   * short another one that is still running, so wait for the camera through transitions ending
   * within `ms`.
   */
  private async arrive(camera: Camera, ms = 1500): Promise<boolean> {
    const deadline = performance.now() + ms;
    while (!this.destroyed && !this.cameraAt(camera)) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.plot.subscribe(
          "transitionEnd",
          () => {
            clearTimeout(timer);
            resolve();
          },
          1,
        );
      });
    }
    return !this.destroyed;
  }

  /** Whether the camera is where the last fit put it: the person has not moved the view since. */
  private untouched(): boolean {
    return this.fitted !== null && this.cameraAt(this.fitted);
  }

  private cameraAt({ target, distance }: Camera): boolean {
    const [tx, ty] = this.plot.get("cameraTarget");
    const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * distance;
    return near(this.plot.get("cameraDistance"), distance) && near(tx, target[0]) && near(ty, target[1]);
  }

  destroy(): void {
    this.destroyed = true;
    this.stopHover();
    this.stopAnchor();
    this.plot.destroy();
    this.density?.destroy();
    releaseRenderer(this, this.gl);
    this.canvas.remove();
  }
}
