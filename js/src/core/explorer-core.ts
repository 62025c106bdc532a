// What every explorer has, whichever panels are open: the map and what sits on it (legend, axes,
// hover card, probe, manifold layer), the toolbar, the history slider and the status line; and the
// services the panels share (previews, selection, the A/B pick). Each part is built after those
// it needs; news that flows the other way goes through Signals, subscribed once both exist.
import type { AnyModel, Experimental } from "@anywidget/types";
import { AxisLabels } from "../map/axes";
import { CameraSync } from "../map/camera-sync";
import { passMask } from "../map/filter-dim";
import { HistorySlider } from "../map/history";
import { HoverCard } from "../map/hover-card";
import { MapLabels } from "../map/labels";
import { Legend, legendSpec } from "../map/legend";
import { ManifoldLayer } from "../map/manifold";
import { MapHeight } from "../map/map-height";
import { MapInput } from "../map/map-input";
import type { MapMode } from "../map/map-surface";
import { MapView } from "../map/map-view";
import { Probe } from "../map/probe";
import { ThumbnailLayer } from "../map/thumbnails";
import type { ZoomMessage } from "../map/zoom-message";
import type { PanelContext } from "../panels/panel";
import { releaseAudio } from "../ui/audio-player";
import { ClearMarksButton } from "../ui/clear-marks";
import { h } from "../ui/dom";
import { DropTarget } from "../ui/drop";
import { FindBar } from "../ui/find-bar";
import { ProjectionControls } from "../ui/projection-controls";
import { normaliseStatus, StatusLine } from "../ui/status";
import { TagsBar } from "../ui/tags";
import { Toolbar } from "../ui/toolbar";
import { listenUndoKeys } from "../ui/undo-keys";
import type { ExplorerTraits, Part } from "../wire/contract";
import { createInvoke, type Invoke } from "../wire/invoke";
import { int, type Model, save, strings } from "../wire/traits";
import type { ColorScale } from "../wire/types";
import { commLive, kernelLive } from "./kernel";
import { HoverLink } from "./link";
import { Previews } from "./previews";
import type { View } from "./router";
import { Selection } from "./selection";

export class ExplorerCore implements View {
  readonly parts: readonly Part[] = ["height", "status", "controls", "selection", "colors", "history", "pinned", "axes", "link", "decoder", "tags", "timeline"];
  readonly root: HTMLElement;
  readonly toolbar: Toolbar;
  /** Where the panels go: the column beside the map and the row under it. */
  readonly places: { side: HTMLElement; below: HTMLElement };
  private readonly invoke: Invoke;
  private readonly mapBox: HTMLElement;
  private readonly height: MapHeight;
  private readonly status = new StatusLine();
  private readonly selection: Selection;
  private readonly map: MapView;
  private readonly previews: Previews;
  private readonly card: HoverCard;
  private readonly manifold: ManifoldLayer;
  private readonly input: MapInput;
  private readonly probe: Probe;
  private readonly link: HoverLink;
  private readonly legend: Legend;
  private readonly labels: MapLabels;
  private readonly axes: AxisLabels;
  private readonly history: HistorySlider;
  private readonly projectionControls: ProjectionControls;
  private readonly tags: TagsBar;
  private readonly camera: CameraSync;
  private readonly thumbnails: ThumbnailLayer;
  private readonly find: FindBar;
  private readonly stops: (() => void)[] = [];
  /** A linked view's hover being applied here: not to be published back. */
  private following = false;
  private mode: MapMode = "pan";
  private kernelNote: HTMLElement | null = null;
  /** A model restored from saved widget state: drawn, but nothing it asks is ever answered. */
  private unconnected = false;

  constructor(
    private readonly model: Model,
    el: HTMLElement,
    experimental?: Experimental,
  ) {
    this.invoke = createInvoke(model as AnyModel, experimental);
    const fail = (message: string) => this.status.update({ state: "error", message, progress: null });
    this.selection = new Selection(model, this.invoke, fail);
    const message = h("div", { class: "lw-map-message", hidden: true });
    const pickHint = h("div", { class: "lw-pick-hint", hidden: true });
    this.mapBox = h("div", { class: "lw-map" }, [pickHint, message]);
    this.places = { side: h("aside", { class: "lw-side" }), below: h("div", { class: "lw-ops" }) };
    this.root = h("div", { class: "lw-explorer", tabindex: 0 }, [h("div", { class: "lw-body" }, [this.mapBox, this.places.side])]);
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
      pinned: "-1",
      manifold: "0",
    });
    // The map reads the page's theme and size: it is built with its element in place.
    el.replaceChildren(this.root);
    // Built before the map, which takes its first size from the box; the person's resizes keep the camera's view.
    this.height = new MapHeight(model, this.mapBox, this.root, { sizing: () => this.map.map?.keepView() });
    this.height.apply();

    const selection = this.selection;
    this.map = new MapView(
      model,
      { root: this.root, mapBox: this.mapBox, message, info: this.status.info },
      { onSelect: (indices) => selection.fromMap(indices), onRegion: (polygon) => selection.selectRegion(polygon), fail, selection: () => selection.indices },
      this.invoke,
    );
    const map = this.map;
    this.previews = new Previews(model, this.invoke, () => map.categoryCodes, (name, value) => this.report(name, value));
    this.card = new HoverCard(this.mapBox);
    this.manifold = new ManifoldLayer(this.invoke, {
      region: () => map.coords.visibleRegion(),
      toScreen: (region) => map.coords.regionToScreen(region),
      onToggle: (on) => this.report("manifold", on ? "1" : "0"),
    });
    this.mapBox.prepend(this.manifold.canvas);
    this.input = new MapInput(model, this.root, this.mapBox, pickHint, {
      hasPoints: () => map.geometry !== null,
      selectionSize: () => selection.indices.length,
      clearSelection: () => selection.set([]),
    });
    const input = this.input;
    this.probe = new Probe(this.mapBox, this.invoke, {
      toMap: (sx, sy) => map.coords.toMap(sx, sy),
      active: () => this.mode === "probe" && input.hoverIndex < 0 && map.geometry !== null,
      show: (result, at) => this.previews.showProbe(result, at),
      fail: (text) => this.previews.probeFailed(text),
    });
    this.link = new HoverLink((index) => this.followHover(index));
    this.legend = new Legend((code, merge) => {
      const codes = map.categoryCodes;
      if (codes) selection.selectCategory(codes, code, merge, map.sampled);
    });
    this.mapBox.append(this.legend.root);
    this.labels = new MapLabels(model, {
      toScreen: (x, y) => map.coords.rawToScreen(x, y),
      avoid: () => [this.legend.root, this.axes.x, this.axes.y, ...this.mapBox.querySelectorAll<HTMLElement>(".lw-sample-note")],
      choose: (column) => save(model, { map_labels: column }),
    });
    this.mapBox.append(this.labels.layer);
    this.axes = new AxisLabels(this.mapBox);
    this.history = new HistorySlider(model, {
      show: (coords) => {
        map.showCoords(coords);
        this.labels.showSnapshot(coords !== null);
      },
      onCount: (count) => {
        if (count > 0) this.report("snapshots", String(count));
        else delete this.root.dataset.snapshots;
      },
      onStop: (snapshot, generation) => this.previews.setStop(snapshot, generation, input.hoverIndex),
    });
    this.projectionControls = new ProjectionControls(model, () => map.total);
    this.toolbar = new Toolbar({
      mode: (mode) => this.setMode(mode),
      fit: () => void map.zoomTo(null),
      projection: (name) => save(model, { projection: name }),
      colorBy: (column) => save(model, { color_by: column }),
      colorScale: (scale) => save(model, { color_scale: scale }),
      clearSelection: () => selection.set([]),
      zoomToSelection: () => void map.zoomTo(selection.indices),
    });
    this.toolbar.addProjectionTools(this.projectionControls.root);
    this.toolbar.addTools(this.manifold.controls);
    const clearMarks = new ClearMarksButton(this.invoke, fail);
    this.toolbar.addTools(clearMarks.root);
    this.toolbar.addTools(this.labels.control);
    this.stops.push(() => clearMarks.destroy());
    this.tags = new TagsBar(this.invoke, fail);
    this.toolbar.addTools(this.tags.root);
    this.stops.push(() => this.tags.destroy(), listenUndoKeys(this.root, this.invoke, fail));
    this.camera = new CameraSync(model, {
      moved: map.moved,
      visibleRegion: () => map.coords.visibleRegion(),
      zoomMessage: (content) => map.zoomMessage(content),
    }, (value) => this.report("view", value));
    this.stops.push(() => this.camera.destroy());
    this.thumbnails = new ThumbnailLayer(model, this.invoke, {
      moved: map.moved,
      points: () => map.geometry,
      drawnIndex: (drawn) => map.drawnIndex(drawn),
      colorOf: (index) => map.colorOf(index),
      view: () => map.coords.view,
    }, (name, value) => this.report(name, value));
    // Under the marks (rings, paths, the hover ring), over the points.
    const overlay = this.mapBox.querySelector(".lw-path-overlay");
    if (overlay) overlay.before(this.thumbnails.canvas);
    else this.mapBox.append(this.thumbnails.canvas);
    this.toolbar.addTools(this.thumbnails.control);
    this.stops.push(() => this.thumbnails.destroy());
    const drop = new DropTarget(this.mapBox, this.invoke, fail, (name, value) => this.report(name, value));
    this.stops.push(() => drop.destroy());
    if (!map.map) this.toolbar.disableMapTools();
    this.root.prepend(this.toolbar.root);
    this.find = new FindBar(model, this.invoke, map, this.mapBox, (name, value) => this.report(name, value));
    this.toolbar.root.after(this.find.root);
    // While a filter is on, a lasso, a box or a legend click selects only the points that pass.
    selection.selectable = (indices) => passMask(model)?.keep(indices) ?? indices;
    this.root.append(this.history.root, this.places.below, this.status.root);
    this.setMode("pan");
    this.connect();
    // A notebook reopened with its saved widgets: say at once that previews will not come.
    void commLive(model).then((live) => {
      this.unconnected = !live;
      if (!live) this.showKernelNote();
    });
  }

  /** The views of the core, in the order a change is applied: the history before the map. */
  get views(): View[] {
    return [this, this.map, this.labels, this.find, this.camera, this.thumbnails];
  }

  /** What the panels may use of the core. */
  panelContext(): PanelContext {
    const { model, invoke, previews, selection, input } = this;
    const report = (name: string, value: string) => this.report(name, value);
    return { model, invoke, previews, marks: this.map.marks, selection, picking: input, frameKeys: input.frameKeys, report };
  }

  /** Whether a trait's change event is news (not our own selection coming back), noting new points. */
  accept(trait: keyof ExplorerTraits): boolean {
    if (trait === "_selection" && this.selection.echoing) return false;
    if (trait === "_points") {
      this.map.pointsMoved();
      this.manifold.reset();
    }
    return true;
  }

  apply(changed: ReadonlySet<Part>): void {
    const { model } = this;
    if (changed.has("height")) this.height.apply();
    if (changed.has("status")) {
      const status = normaliseStatus(model.get("_status"));
      this.report("status", status.state);
      this.status.update(status);
    }
    if (changed.has("controls")) this.applyControls();
    if (changed.has("selection")) this.selection.fromModel();
    if (changed.has("colors")) this.legend.update(legendSpec(model));
    // Before the map draws: new coordinates send the slider back to the live map.
    if (changed.has("history")) this.history.apply();
    if (changed.has("pinned")) {
      this.report("pinned", String(int(model.get("pinned"))));
      this.previews.update(this.input.hoverIndex);
    }
    if (changed.has("axes")) this.axes.update(model.get("_axis_labels"));
    if (changed.has("link")) this.link.setGroup(String(model.get("_link_group") ?? ""));
    if (changed.has("tags")) this.tags.setTags((model.get("_tag_counts") ?? []) as [string, number][]);
    if (changed.has("timeline")) {
      const [undo, redo] = (model.get("_undo_counts") ?? [0, 0]) as [number, number];
      this.report("undo", String(undo));
      this.report("redo", String(redo));
    }
    if (changed.has("decoder")) this.previews.setModelVersion(int(model.get("_model_version")), this.input.hoverIndex);
  }

  /** A view could not apply a change: say so over the map, keep the rest going. */
  showError(part: string, error: unknown): void {
    console.error(`latentwidgets: could not apply ${part}`, error);
    this.map.showMessage(error instanceof Error ? error.message : String(error));
  }

  destroy(): void {
    for (const stop of this.stops) stop();
    this.height.destroy();
    this.link.destroy();
    this.input.destroy();
    this.probe.destroy();
    this.manifold.destroy();
    this.previews.dispose();
    this.history.destroy();
    this.toolbar.destroy();
    this.projectionControls.destroy();
    this.legend.destroy();
    this.labels.destroy();
    this.find.destroy();
    this.map.destroy();
    releaseAudio(this.root);
    this.root.remove();
  }

  private connect(): void {
    const { map, input, selection, previews, card } = this;
    const onMessage = (content: ZoomMessage, buffers?: DataView[]) => map.zoomMessage(content, buffers);
    this.model.on("msg:custom", onMessage);
    this.stops.push(
      () => this.model.off("msg:custom", onMessage),
      selection.toShow.on((indices) => map.showSelection(indices)),
      selection.changed.on((indices) => {
        this.report("selectedCount", String(indices.length));
        this.toolbar.setSelectionCount(indices.length);
        this.tags.setSelectionCount(indices.length);
      }),
      map.hovered.on((index) => input.setHover(index)),
      map.recounted.on(() => previews.forget()),
      map.picker.ahead.on((indices) => previews.prefetch(indices)),
      map.moved.on(() => {
        card.hide();
        this.manifold.viewChanged();
        this.labels.schedule();
      }),
      map.drawn.on(() => this.labels.schedule()),
      input.hovered.on((index) => {
        map.markHover(index);
        if (index < 0) card.hide();
        else {
          this.showKernelNote();
          this.probe.cancel();
          // At once from what the page has; the preview fills in the rest when it comes.
          card.show(index, previews.label(index), previews.quickFields(index), map.coords.screenOf(index), false);
        }
        previews.update(index);
        if (!this.following) this.link.publish(index);
      }),
      previews.shown.on((shown) => {
        if (shown.kind !== "point" || shown.preview.index !== input.hoverIndex) return;
        const { index, fields } = shown.preview;
        card.show(index, previews.label(index), fields, map.coords.screenOf(index), true, shown.preview, shown.hasDecoder);
      }),
    );
  }

  private report(name: string, value: string): void {
    this.root.dataset[name] = value;
  }

  private applyControls(): void {
    const { model, toolbar } = this;
    toolbar.setProjections(strings(model, "_projection_options"), String(model.get("projection") ?? ""));
    toolbar.setColumns(strings(model, "_color_options"), String(model.get("color_by") ?? ""));
    toolbar.setColorScale(model.get("color_scale") as ColorScale, model.get("_color_kind") === "continuous");
    this.report("probeExact", String(model.get("_probe_exact") === true));
    this.projectionControls.apply();
  }

  /** Without the kernel no preview will come: say so on the map (pan, zoom and legend still work). */
  private showKernelNote(): void {
    const live = !this.unconnected && kernelLive(this.model);
    if (live && !this.kernelNote) return;
    if (!this.kernelNote) {
      this.kernelNote = h("div", { class: "lw-kernel-note", role: "status", text: "Previews need the running kernel" });
      this.mapBox.append(this.kernelNote);
    }
    this.kernelNote.hidden = live;
    this.report("kernel", live ? "live" : "none");
  }

  /** Another view of the link group hovers `index` (-1: none): show it here as hovered. */
  private followHover(index: number): void {
    if (!this.map.geometry) return;
    const shown = index >= 0 && index < this.map.total ? index : -1;
    this.following = true;
    try {
      this.map.hover(shown);
      this.input.setHover(shown);
    } finally {
      this.following = false;
    }
  }

  private setMode(mode: MapMode): void {
    this.mode = mode;
    if (mode !== "probe") this.probe.cancel();
    this.report("mode", mode);
    this.toolbar.showMode(mode);
    this.map.setMode(mode);
  }
}
