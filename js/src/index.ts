// LatentExplorer's front end: an anywidget render() wiring the views to the model's traits.
import type { AnyModel, Experimental, RenderProps } from "@anywidget/types";
import { type Decoded, decodeOptional, encodeArray } from "./codecs";
import { luminance, parseColor, pointColors } from "./colors";
import { formatCount, h, listen } from "./dom";
import { InterpPanel, type PickTarget } from "./interp";
import { createInvoke } from "./invoke";
import { Legend } from "./legend";
import { LruCache } from "./lru";
import { PathOverlay } from "./overlay";
import { autoOpacity, autoPointSize, boxOf, type NormalisedPoints, normalise, normalisePoints } from "./points";
import { parsePreview, PreviewPanel, previewBytes } from "./preview";
import { LatestWinsRequester } from "./requester";
import { hasWebGL, type MapMode, type MapTheme, MapView } from "./scatter";
import { normaliseStatus, StatusLine } from "./status";
import { projectionLabel, Toolbar } from "./toolbar";
import "./styles.css";
import type { ExplorerTraits, Preview, RgbaImage } from "./types";

const PREVIEW_CACHE_ENTRIES = 300;
const PREVIEW_CACHE_BYTES = 48 * 2 ** 20;
/** Pointer travel (px) beyond which a press is a drag, not a click. */
const CLICK_SLOP = 4;
const A_COLOR = "#0ea5e9";
const B_COLOR = "#d946ef";

type Model = AnyModel<ExplorerTraits>;
type Part = "points" | "colors" | "selection" | "style" | "status" | "controls" | "interp" | "frames" | "path" | "pinned" | "height";

const TRAIT_PARTS: Record<keyof ExplorerTraits, Part[]> = {
  _points: ["points"],
  _points_projection: ["controls"],
  projection: ["controls"],
  _projection_options: ["controls"],
  color_by: ["controls", "colors"],
  _color_options: ["controls"],
  _colors: ["colors"],
  _color_kind: ["colors"],
  _color_categories: ["colors"],
  _color_range: ["colors"],
  _selection: ["selection"],
  pinned: ["pinned"],
  interp_a: ["interp"],
  interp_b: ["interp"],
  interp_steps: ["interp"],
  interp_method: ["interp"],
  _frames: ["frames"],
  _path: ["path"],
  _status: ["status"],
  point_size: ["style"],
  opacity: ["style"],
  _has_decoder: ["pinned", "interp"],
  height: ["height"],
};

function int(value: unknown, fallback = -1): number {
  return typeof value === "number" && Number.isInteger(value) ? value : fallback;
}

class Explorer {
  private readonly root: HTMLElement;
  private readonly mapBox: HTMLElement;
  private readonly message: HTMLElement;
  private readonly pickHint: HTMLElement;
  private readonly toolbar: Toolbar;
  private readonly map: MapView | null = null;
  private readonly overlay: PathOverlay | null = null;
  private readonly legend: Legend;
  private readonly preview: PreviewPanel;
  private readonly interp: InterpPanel;
  private readonly status = new StatusLine();
  private readonly cache = new LruCache<number, Preview>(PREVIEW_CACHE_ENTRIES, PREVIEW_CACHE_BYTES, previewBytes);
  private readonly requester: LatestWinsRequester<Preview>;
  private readonly stops: (() => void)[] = [];
  private readonly dirty = new Set<Part>();
  private flushQueued = false;
  private destroyed = false;

  private geometry: NormalisedPoints | null = null;
  private categoryCodes: ArrayLike<number> | null = null;
  private selection: number[] = [];
  private hoverIndex = -1;
  private pickTarget: PickTarget | null = null;
  private frame = 0;
  private drawnProjection = "";
  private previewCount = 0;
  private zoomCount = 0;
  private theme: MapTheme = { background: [1, 1, 1, 1], accent: "#4e79a7", hover: "#111111", dark: false };
  private settingSelection = false;
  private drawing = false;
  private drawAgain = false;
  private pointsChanged = true;
  private pressAt: [number, number] | null = null;
  private pendingZoom: { indices: Iterable<number> | null } | null = null;

  constructor(
    private readonly model: Model,
    el: HTMLElement,
    experimental?: Experimental,
  ) {
    const invoke = createInvoke(model as AnyModel, experimental);
    this.requester = new LatestWinsRequester<Preview>({
      cache: this.cache,
      fetch: async (index, signal) => {
        const [response, buffers] = await invoke<unknown>("preview", { index }, { signal });
        return { ...parsePreview(response, buffers), index };
      },
      show: (index, value) => this.showPreview(index, value),
      fail: (index, error) => this.preview.fail(this.pointLabel(index), error instanceof Error ? error.message : String(error)),
    });

    this.toolbar = new Toolbar({
      mode: (mode) => this.setMode(mode),
      fit: () => void this.zoomTo(null),
      projection: (name) => this.save({ projection: name }),
      colorBy: (column) => this.save({ color_by: column }),
      clearSelection: () => this.setSelection([]),
      zoomToSelection: () => void this.zoomTo(this.selection),
    });

    this.message = h("div", { class: "lw-map-message", hidden: true });
    this.pickHint = h("div", { class: "lw-pick-hint", hidden: true });
    this.legend = new Legend((code, merge) => this.selectCategory(code, merge));
    this.mapBox = h("div", { class: "lw-map" }, [this.legend.root, this.pickHint, this.message]);
    this.preview = new PreviewPanel(() => {
      this.previewCount += 1;
      this.root.dataset.previewCount = String(this.previewCount);
    });
    this.interp = new InterpPanel({
      arm: (target) => this.arm(this.pickTarget === target ? null : target),
      setMethod: (method) => this.save({ interp_method: method }),
      setSteps: (steps) => this.save({ interp_steps: steps }),
      onFrame: (frame) => {
        this.frame = frame;
        this.overlay?.update({ frame });
      },
    });

    this.root = h("div", { class: "lw-explorer", tabindex: 0 }, [
      this.toolbar.root,
      h("div", { class: "lw-body" }, [this.mapBox, h("aside", { class: "lw-side" }, [this.preview.root, this.interp.root])]),
      this.status.root,
    ]);
    Object.assign(this.root.dataset, {
      ready: "0",
      renderer: "none",
      points: "0",
      hoverIndex: "-1",
      selectedCount: "0",
      status: "idle",
      previewCount: "0",
      zooms: "0",
      mode: "pan",
    });
    el.replaceChildren(this.root);
    this.applyHeight();
    this.theme = this.readTheme();

    if (hasWebGL()) {
      try {
        this.map = new MapView(this.mapBox, {
          onHover: (index) => this.setHover(index),
          onSelect: (indices) => this.onMapSelect(indices),
          onView: () => this.overlay?.schedule(),
        });
        this.map.setTheme(this.theme);
        this.overlay = new PathOverlay(this.mapBox, () => this.overlayView(), this.overlayColors());
        this.mapBox.prepend(this.map.canvas, this.overlay.canvas);
        this.root.dataset.renderer = "webgl";
      } catch (error) {
        console.error("latentwidgets: could not start the WebGL map", error);
        this.map = null;
      }
    }
    if (!this.map) {
      this.showMessage("WebGL is not available in this browser, so the map cannot be drawn. Previews and interpolation still work.");
      this.toolbar.disableMapTools();
    }

    this.listenToDom();
    this.listenToModel();
    for (const parts of Object.values(TRAIT_PARTS)) for (const part of parts) this.dirty.add(part);
    this.flush();
  }

  destroy(): void {
    this.destroyed = true;
    for (const stop of this.stops) stop();
    this.requester.dispose();
    this.interp.destroy();
    this.toolbar.destroy();
    this.legend.destroy();
    this.overlay?.destroy();
    this.map?.destroy();
    this.root.remove();
  }

  // --- model -> view -------------------------------------------------------------------------

  private listenToModel(): void {
    for (const [trait, parts] of Object.entries(TRAIT_PARTS)) {
      const handler = () => {
        if (trait === "_selection" && this.settingSelection) return;
        if (trait === "_points") this.pointsChanged = true;
        for (const part of parts) this.dirty.add(part);
        this.queueFlush();
      };
      const event = `change:${trait}`;
      this.model.on(event, handler);
      this.stops.push(() => this.model.off(event as `change:${keyof ExplorerTraits}`, handler));
    }
    // LatentExplorer.zoom_to(): a view action, not state, so a message rather than a trait.
    const onMessage = (content: { kind?: unknown; indices?: object | null }, buffers?: DataView[]) => {
      if (content?.kind !== "lw-zoom") return;
      try {
        const indices = content.indices ? { ...content.indices, view: buffers?.[0] } : null;
        void this.zoomTo(decodeOptional("zoom_to indices", indices, { dtypes: ["uint32"], shape: [-1] })?.data ?? null);
      } catch (error) {
        console.warn("latentwidgets: ignoring a zoom", error);
      }
    };
    this.model.on("msg:custom", onMessage);
    this.stops.push(() => this.model.off("msg:custom", onMessage));
  }

  /** Traits set together arrive as separate change events: apply them once, together. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      if (!this.destroyed) this.flush();
    });
  }

  private flush(): void {
    const parts = new Set(this.dirty);
    this.dirty.clear();
    const run = (part: Part, fn: () => void) => {
      if (!parts.has(part)) return;
      try {
        fn();
      } catch (error) {
        console.error(`latentwidgets: could not apply ${part}`, error);
        this.showMessage(error instanceof Error ? error.message : String(error));
      }
    };
    run("height", () => this.applyHeight());
    run("status", () => this.applyStatus());
    run("controls", () => this.applyControls());
    run("selection", () => this.applySelectionFromModel());
    // The legend first: the points are framed clear of it.
    run("colors", () => this.applyLegend());
    if (parts.has("points") || parts.has("colors")) this.requestDraw();
    run("style", () => this.applyStyle());
    run("interp", () => this.applyInterp());
    run("frames", () => this.applyFrames());
    run("path", () => this.applyPath());
    run("pinned", () => this.applyPinned());
  }

  private applyHeight(): void {
    const height = Math.max(200, int(this.model.get("height"), 440));
    this.mapBox.style.height = `${height}px`;
    this.root.style.setProperty("--lw-height", `${height}px`);
  }

  private applyStatus(): void {
    const status = normaliseStatus(this.model.get("_status"));
    this.root.dataset.status = status.state;
    this.status.update(status);
  }

  private applyControls(): void {
    this.toolbar.setProjections((this.model.get("_projection_options") ?? []) as string[], String(this.model.get("projection") ?? ""));
    this.toolbar.setColumns((this.model.get("_color_options") ?? []) as string[], String(this.model.get("color_by") ?? ""));
    this.updateInfo();
  }

  private applyStyle(): void {
    if (!this.map) return;
    const n = this.geometry?.x.length ?? 0;
    const size = Number(this.model.get("point_size"));
    const opacity = Number(this.model.get("opacity"));
    this.map.setStyle(size > 0 ? size : autoPointSize(n), opacity > 0 ? Math.min(opacity, 1) : autoOpacity(n));
  }

  private requestDraw(): void {
    if (this.drawing) {
      this.drawAgain = true;
      return;
    }
    void this.drawLoop();
  }

  /** regl-scatterplot refuses a draw while one is under way, so draws run one after another. */
  private async drawLoop(): Promise<void> {
    this.drawing = true;
    try {
      do {
        this.drawAgain = false;
        await this.drawOnce();
      } while (this.drawAgain && !this.destroyed);
    } catch (error) {
      if (!this.destroyed) {
        console.error("latentwidgets: drawing the map failed", error);
        this.showMessage(`Drawing the map failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    } finally {
      this.drawing = false;
    }
    const zoom = this.pendingZoom;
    this.pendingZoom = null;
    if (zoom && !this.destroyed) void this.zoomTo(zoom.indices);
  }

  private async drawOnce(): Promise<void> {
    const pointsChanged = this.pointsChanged;
    this.pointsChanged = false;
    const raw = decodeOptional("_points", this.model.get("_points"), { dtypes: ["float32"], shape: [-1, 2] });
    const n = raw?.shape[0] ?? 0;
    if (!raw || n === 0) {
      this.geometry = null;
      this.categoryCodes = null;
      this.map?.clear();
      this.root.dataset.points = "0";
      if (this.map) this.showMessage(raw ? "No points to show." : "Waiting for points…");
      this.updateOverlay();
      this.updateInfo();
      return;
    }
    const previous = this.geometry;
    if (previous && previous.x.length !== n) this.cache.clear();
    const geometry = pointsChanged || !previous ? normalisePoints(raw.data) : previous;
    const colors = this.pointColors(n);
    const projection = String(this.model.get("_points_projection") ?? "");
    this.geometry = geometry;
    if (!this.map) {
      // Nothing is drawn without WebGL; the rest of the widget works on the data all the same.
      this.markDrawn(0, projection);
      return;
    }
    this.hideMessage();
    const moving = pointsChanged && previous !== null && previous.x.length === n;
    if (moving) this.overlay?.setHidden(true);
    const selection = this.selection.filter((i) => i < n);
    await this.map.draw({ ...geometry, colors }, selection, this.theme.accent, !pointsChanged);
    if (this.destroyed) return;
    // A selection that arrived while the points were loading reached a map without them.
    const current = this.selection.filter((i) => i < n);
    if (!sameIndices(current, selection)) this.map.select(current);
    this.overlay?.setHidden(false);
    // New coordinates are framed afresh; data-projection is set once the camera has settled.
    if (pointsChanged && previous) await this.map.fit(true);
    if (this.destroyed) return;
    this.markDrawn(n, projection);
  }

  private markDrawn(n: number, projection: string): void {
    this.drawnProjection = projection;
    Object.assign(this.root.dataset, { ready: "1", points: String(n), projection });
    this.applyStyle();
    this.updateOverlay();
    this.updateInfo();
  }

  private pointColors(n: number) {
    const kind = this.model.get("_color_kind");
    this.categoryCodes = null;
    if (kind !== "categorical" && kind !== "continuous") return null;
    let decoded: Decoded | null;
    try {
      decoded = decodeOptional("_colors", this.model.get("_colors"), {
        dtypes: kind === "categorical" ? ["uint32", "int32", "uint16", "uint8"] : ["float32"],
        shape: [-1],
      });
    } catch (error) {
      console.warn("latentwidgets: ignoring _colors", error);
      return null;
    }
    const colors = pointColors(
      kind,
      decoded?.data ?? null,
      n,
      (this.model.get("_color_range") ?? []) as number[],
      (this.model.get("_color_categories") ?? []) as string[],
    );
    if (colors && kind === "categorical") this.categoryCodes = decoded?.data ?? null;
    return colors;
  }

  private applyLegend(): void {
    const kind = this.model.get("_color_kind");
    const categories = (this.model.get("_color_categories") ?? []) as string[];
    let counts: number[] | null = null;
    const raw = this.model.get("_colors");
    if (kind === "categorical" && raw) {
      try {
        const codes = decodeOptional("_colors", raw, { dtypes: ["uint32", "int32", "uint16", "uint8"], shape: [-1] });
        if (codes) {
          counts = new Array<number>(categories.length).fill(0);
          for (let i = 0; i < codes.data.length; i++) {
            const c = codes.data[i];
            if (c < counts.length) counts[c] += 1;
          }
        }
      } catch {
        counts = null;
      }
    }
    this.legend.update({
      kind: kind === "categorical" || kind === "continuous" ? kind : "none",
      title: String(this.model.get("color_by") ?? ""),
      categories,
      counts,
      range: (this.model.get("_color_range") ?? [0, 1]) as number[],
    });
    this.updateLegendInset();
  }

  /** Frame the points clear of the legend, which floats over the map's right side. */
  private updateLegendInset(): void {
    const legend = this.legend.root;
    this.map?.setInsetRight(legend.hidden ? 0 : legend.offsetWidth + 16);
  }

  private applySelectionFromModel(): void {
    let indices: number[] = [];
    try {
      const decoded = decodeOptional("_selection", this.model.get("_selection"), {
        dtypes: ["uint32", "int32"],
        shape: [-1],
      });
      indices = decoded ? Array.from(decoded.data) : [];
    } catch (error) {
      console.warn("latentwidgets: ignoring _selection", error);
      return;
    }
    if (sameIndices(indices, this.selection)) return;
    this.selection = indices;
    this.map?.select(indices);
    this.updateSelectionInfo();
  }

  private applyInterp(): void {
    // Interpolated codes can only be shown through a decoder.
    this.interp.root.hidden = this.model.get("_has_decoder") === false;
    this.interp.setMethod(this.model.get("interp_method") === "lerp" ? "lerp" : "slerp");
    this.interp.setSteps(int(this.model.get("interp_steps"), 16));
    this.updateChips();
    this.updateOverlay();
  }

  private applyFrames(): void {
    let frames: Decoded<"uint8"> | null = null;
    try {
      frames = decodeOptional("_frames", this.model.get("_frames"), { dtypes: ["uint8"], shape: [-1, -1, -1, 4] });
    } catch (error) {
      console.warn("latentwidgets: ignoring _frames", error);
    }
    this.interp.setFrames(frames && frames.shape[0] > 0 ? frames : null);
    this.updateChips();
  }

  private applyPath(): void {
    this.updateOverlay();
  }

  private applyPinned(): void {
    this.updateOverlay();
    this.updatePreview();
  }

  // --- view -> model -------------------------------------------------------------------------

  private save(patch: Partial<ExplorerTraits>): void {
    for (const [key, value] of Object.entries(patch)) {
      this.model.set(key as keyof ExplorerTraits, value as never);
    }
    this.model.save_changes();
  }

  private onMapSelect(indices: number[]): void {
    if (sameIndices(indices, this.selection)) return;
    this.selection = indices;
    this.updateSelectionInfo();
    this.settingSelection = true;
    try {
      this.save({ _selection: encodeArray(Uint32Array.from(indices)) });
    } finally {
      this.settingSelection = false;
    }
  }

  private setSelection(indices: number[]): void {
    this.map?.select(indices);
    this.onMapSelect(indices);
  }

  private selectCategory(code: number, merge: boolean): void {
    const codes = this.categoryCodes;
    if (!codes) return;
    const picked: number[] = merge ? [...this.selection] : [];
    const seen = merge ? new Set(picked) : null;
    for (let i = 0; i < codes.length; i++) {
      if (codes[i] === code && !seen?.has(i)) picked.push(i);
    }
    this.setSelection(picked);
  }

  private arm(target: PickTarget | null): void {
    this.pickTarget = target;
    this.root.classList.toggle("is-picking", target !== null);
    this.pickHint.hidden = target === null;
    if (target) this.pickHint.textContent = `Click a point to set ${target.toUpperCase()} · Esc cancels`;
    this.updateChips();
  }

  private setEnd(target: PickTarget, index: number): void {
    this.arm(null);
    this.save(target === "a" ? { interp_a: index } : { interp_b: index });
  }

  private setHover(index: number): void {
    if (index === this.hoverIndex) return;
    this.hoverIndex = index;
    this.root.dataset.hoverIndex = String(index);
    this.updatePreview();
  }

  // --- derived views -------------------------------------------------------------------------

  private updatePreview(): void {
    const pinned = int(this.model.get("pinned"));
    const target = this.hoverIndex >= 0 ? this.hoverIndex : pinned;
    if (target < 0) {
      this.requester.want(-1);
      this.preview.clear();
      return;
    }
    if (!this.cache.has(target)) this.preview.loading(this.pointLabel(target));
    this.requester.want(target);
  }

  private showPreview(index: number, value: Preview): void {
    this.preview.show(value, this.pointLabel(index), this.model.get("_has_decoder") !== false);
    const a = int(this.model.get("interp_a"));
    const b = int(this.model.get("interp_b"));
    if (index === a || index === b) this.updateChips();
  }

  private pointLabel(index: number): string {
    const parts = [`#${index}`];
    const codes = this.categoryCodes;
    const categories = (this.model.get("_color_categories") ?? []) as string[];
    if (codes && index < codes.length && categories[codes[index]] !== undefined) parts.push(categories[codes[index]]);
    if (index === int(this.model.get("pinned"))) parts.push("pinned");
    return parts.join(" · ");
  }

  private thumbnail(index: number, target: PickTarget): RgbaImage | null {
    if (index < 0) return null;
    const cached = this.cache.peek(index);
    const item = this.model.get("_has_decoder") !== false ? (cached?.recon ?? cached?.input) : cached?.input;
    if (item?.kind === "image") return item.image;
    return this.interp.endFrame(target);
  }

  private updateChips(): void {
    for (const target of ["a", "b"] as const) {
      const index = int(this.model.get(target === "a" ? "interp_a" : "interp_b"));
      this.interp.setEnd(target, index, this.thumbnail(index, target), this.pickTarget === target);
    }
  }

  private pointAt(index: number): [number, number] | null {
    const g = this.geometry;
    if (!g || index < 0 || index >= g.x.length) return null;
    return [g.x[index], g.y[index]];
  }

  private updateOverlay(): void {
    if (!this.overlay) return;
    let path: Float32Array | null = null;
    const g = this.geometry;
    try {
      const raw = decodeOptional("_path", this.model.get("_path"), { dtypes: ["float32"], shape: [-1, 2] });
      if (raw && g) {
        path = new Float32Array(raw.data.length);
        for (let i = 0; i < raw.data.length; i += 2) {
          const [x, y] = normalise(g.norm, raw.data[i], raw.data[i + 1]);
          path[i] = x;
          path[i + 1] = y;
        }
      }
    } catch (error) {
      console.warn("latentwidgets: ignoring _path", error);
    }
    this.overlay.update({
      path,
      frame: this.frame,
      a: this.pointAt(int(this.model.get("interp_a"))),
      b: this.pointAt(int(this.model.get("interp_b"))),
      pinned: this.pointAt(int(this.model.get("pinned"))),
    });
  }

  private overlayView() {
    const size = this.map?.size ?? { width: 1, height: 1 };
    return { view: this.map?.view ?? [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], ...size };
  }

  private overlayColors() {
    const dark = this.theme.dark;
    return {
      line: dark ? "#f1f5f9" : "#1e293b",
      halo: dark ? "rgba(15, 23, 42, 0.85)" : "rgba(255, 255, 255, 0.9)",
      text: dark ? "#f1f5f9" : "#1e293b",
      a: A_COLOR,
      b: B_COLOR,
    };
  }

  private updateSelectionInfo(): void {
    const count = this.selection.length;
    this.root.dataset.selectedCount = String(count);
    this.toolbar.setSelectionCount(count);
  }

  private updateInfo(): void {
    const n = this.geometry?.x.length ?? 0;
    // "tsne (running)": a live layout of a projection still being computed
    const label = projectionLabel(this.drawnProjection);
    this.status.info.textContent = n > 0 ? `${formatCount(n)} points${label ? ` · ${label}` : ""}` : "";
  }

  private showMessage(text: string): void {
    this.message.textContent = text;
    this.message.hidden = false;
  }

  private hideMessage(): void {
    this.message.hidden = true;
  }

  private readTheme(): MapTheme {
    const css = getComputedStyle(this.mapBox).backgroundColor;
    const dark = (luminance(css) ?? 1) < 0.3;
    return {
      background: parseColor(css) ?? [1, 1, 1, 1],
      accent: dark ? "#7aa7d9" : "#3d6a9e",
      hover: dark ? "#ffffff" : "#0f172a",
      dark,
    };
  }

  private applyTheme(): void {
    const theme = this.readTheme();
    if (theme.background.join() === this.theme.background.join() && theme.dark === this.theme.dark) return;
    this.theme = theme;
    this.map?.setTheme(theme);
    this.overlay?.setColors(this.overlayColors());
  }

  // --- DOM events ----------------------------------------------------------------------------

  /** Frame the points `indices` (all points for null or none); count it in data-zooms once there. */
  private async zoomTo(indices: Iterable<number> | null): Promise<void> {
    if (!this.map) return;
    if (this.drawing || !this.geometry) {
      // The draw under way frames its new points when it ends: zoom after it, not before.
      this.pendingZoom = { indices };
      return;
    }
    const box = indices ? boxOf(this.geometry.x, this.geometry.y, indices) : null;
    const arrived = await (box ? this.map.zoomTo(box) : this.map.fit(true));
    if (arrived && !this.destroyed) this.root.dataset.zooms = String(++this.zoomCount);
  }

  private setMode(mode: MapMode): void {
    this.root.dataset.mode = mode;
    this.toolbar.showMode(mode);
    this.map?.setMode(mode);
  }

  private listenToDom(): void {
    this.setMode("pan");
    this.stops.push(
      // Capture phase: decide about pin / pick before regl-scatterplot sees the click.
      listen(this.mapBox, "pointerdown", (event) => {
        this.pressAt = [event.clientX, event.clientY];
        this.root.focus({ preventScroll: true });
      }),
      listen(this.mapBox, "click", (event) => this.onMapClick(event), { capture: true }),
      listen(this.mapBox, "pointerleave", () => this.setHover(-1)),
      listen(this.root, "keydown", (event) => this.onKey(event)),
    );
    if (typeof ResizeObserver !== "undefined") {
      const observer = new ResizeObserver(() => {
        // render() may run before `el` is in the page, where no theme colours can be read yet.
        this.applyTheme();
        const rect = this.mapBox.getBoundingClientRect();
        if (rect.width > 0 && rect.height > 0) this.map?.resize(rect.width, rect.height);
        this.updateLegendInset();
        this.overlay?.schedule();
      });
      observer.observe(this.mapBox);
      observer.observe(this.legend.root);
      this.stops.push(() => observer.disconnect());
    }
    // JupyterLab switches themes by changing attributes on <body>.
    if (typeof MutationObserver !== "undefined") {
      const observer = new MutationObserver(() => this.applyTheme());
      observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"] });
      this.stops.push(() => observer.disconnect());
    }
  }

  private onMapClick(event: MouseEvent): void {
    const start = this.pressAt;
    this.pressAt = null;
    if (start && Math.hypot(event.clientX - start[0], event.clientY - start[1]) > CLICK_SLOP) return;
    if (!this.geometry) return;
    const index = this.hoverIndex;
    if (this.pickTarget) {
      // A pick must not change the selection, so regl-scatterplot never sees this click.
      event.stopPropagation();
      if (index >= 0) this.setEnd(this.pickTarget, index);
      return;
    }
    if (int(this.model.get("pinned")) !== index) this.save({ pinned: index });
  }

  private onKey(event: KeyboardEvent): void {
    const target = event.target as HTMLElement;
    const inControl = target !== this.root && target.matches("input, select, textarea");
    const command = event.ctrlKey || event.metaKey;
    // JupyterLab acts on keys that bubble out of an output (arrows move cells, A inserts one);
    // it still gets Shift/Ctrl+Enter and, outside our inputs, its Ctrl/Cmd shortcuts.
    const runsCell = event.key === "Enter" && (event.shiftKey || command);
    if (!runsCell && !(command && !inControl)) event.stopPropagation();
    if (inControl || event.altKey || command) return;
    const key = event.key.toLowerCase();
    if (key === "escape") {
      if (this.pickTarget) this.arm(null);
      else {
        if (int(this.model.get("pinned")) >= 0) this.save({ pinned: -1 });
        if (this.selection.length > 0) this.setSelection([]);
      }
    } else if (key === "a" || key === "b") {
      if (this.hoverIndex >= 0) this.setEnd(key, this.hoverIndex);
      else this.arm(this.pickTarget === key ? null : key);
    } else if (target === this.root && (key === "arrowleft" || key === "arrowright")) {
      event.preventDefault();
      this.interp.step(key === "arrowleft" ? -1 : 1);
    } else if (target === this.root && key === " ") {
      event.preventDefault();
      this.interp.togglePlay();
    }
  }
}

function sameIndices(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function render({ model, el, experimental }: RenderProps<ExplorerTraits>): () => void {
  const explorer = new Explorer(model, el, experimental);
  return () => explorer.destroy();
}

export default { render };
