// LatentExplorer's front end: an anywidget render() that builds the views and wires them to the
// model's traits. What each view does lives in its own module.
import type { AnyModel, Experimental, RenderProps } from "@anywidget/types";
import { AxisLabels } from "./axes";
import { h } from "./dom";
import { MapDraw, type ZoomMessage } from "./draw";
import { HistorySlider } from "./history";
import { HoverCard } from "./hovercard";
import { MapInput } from "./input";
import { InterpPanel } from "./interp";
import { createInvoke } from "./invoke";
import { Legend, legendSpec } from "./legend";
import { HoverLink } from "./link";
import { ManifoldLayer } from "./manifold";
import type { MapMode } from "./map-surface";
import { NeighboursView } from "./neighbours";
import { Previews } from "./previews";
import { Probe } from "./probe";
import { ProjectionControls } from "./projection-controls";
import { SamplesView } from "./samples";
import { Selection } from "./selection";
import { normaliseStatus, StatusLine } from "./status";
import { Toolbar } from "./toolbar";
import { framesArray } from "./trait-arrays";
import { int, type Model, save, strings } from "./traits";
import { TraversePanel } from "./traverse";
import "./styles.css";
import { type Part, TRAIT_PARTS } from "./parts";
import type { ColorScale, ExplorerTraits } from "./types";
import { VectorForm } from "./vector-form";
import { WorstView } from "./worst";

class Explorer {
  private readonly root: HTMLElement;
  private readonly mapBox: HTMLElement;
  private readonly toolbar: Toolbar;
  private readonly legend: Legend;
  private readonly interp: InterpPanel;
  private readonly status = new StatusLine();
  private readonly selection: Selection;
  private readonly previews: Previews;
  private readonly draw: MapDraw;
  private readonly input: MapInput;
  private readonly card: HoverCard;
  private readonly neighbours: NeighboursView;
  private readonly traverse: TraversePanel;
  private readonly samples: SamplesView;
  private readonly worst: WorstView;
  private readonly probe: Probe;
  private readonly manifold: ManifoldLayer;
  private readonly projectionControls: ProjectionControls;
  private readonly axes: AxisLabels;
  private readonly vectorForm: VectorForm;
  private readonly link: HoverLink;
  private readonly history: HistorySlider;
  /** A linked view's hover being applied here: not to be published back. */
  private following = false;
  private mode: MapMode = "pan";
  private readonly stops: (() => void)[] = [];
  private readonly dirty = new Set<Part>();
  private flushQueued = false;
  private destroyed = false;

  constructor(
    private readonly model: Model,
    el: HTMLElement,
    experimental?: Experimental,
  ) {
    const invoke = createInvoke(model as AnyModel, experimental);
    this.link = new HoverLink((index) => this.followHover(index));
    this.previews = new Previews(model, invoke, {
      categoryCodes: () => this.draw.categoryCodes,
      onShown: (index, preview) => {
        if (index === int(model.get("interp_a")) || index === int(model.get("interp_b"))) this.updateChips();
        if (index === this.input.hoverIndex) this.card.show(index, this.previews.label(index), preview.fields, this.draw.coords.screenOf(index));
      },
      onDrawn: (count) => {
        this.root.dataset.previewCount = String(count);
      },
    });
    this.toolbar = new Toolbar({
      mode: (mode) => this.setMode(mode),
      fit: () => void this.draw.zoomTo(null),
      projection: (name) => save(model, { projection: name }),
      colorBy: (column) => save(model, { color_by: column }),
      colorScale: (scale) => save(model, { color_scale: scale }),
      clearSelection: () => this.selection.set([]),
      zoomToSelection: () => void this.draw.zoomTo(this.selection.indices),
    });
    const fail = (message: string) => this.status.update({ state: "error", message, progress: null });
    this.selection = new Selection(model, invoke, {
      showOnMap: (indices) => this.draw.showSelection(indices),
      showCount: (count) => {
        this.root.dataset.selectedCount = String(count);
        this.toolbar.setSelectionCount(count);
        this.vectorForm?.refresh();
      },
      sampled: () => this.draw.sampled,
      fail,
    });

    const message = h("div", { class: "lw-map-message", hidden: true });
    const pickHint = h("div", { class: "lw-pick-hint", hidden: true });
    this.legend = new Legend((code, merge) => {
      const codes = this.draw.categoryCodes;
      if (codes) this.selection.selectCategory(codes, code, merge);
    });
    this.mapBox = h("div", { class: "lw-map" }, [this.legend.root, pickHint, message]);
    this.interp = new InterpPanel({
      arm: (target) => this.input.toggle(target),
      setMethod: (method) => save(model, { interp_method: method }),
      setSteps: (steps) => save(model, { interp_steps: steps }),
      onFrame: (frame) => this.draw.marks.setFrame(frame),
    });
    const highlight = (index: number) => this.draw.marks.set({ highlight: index >= 0 ? { index } : null });
    this.neighbours = new NeighboursView(model, this.previews, highlight);
    this.traverse = new TraversePanel(model, { onFrame: (frame) => this.draw.marks.setTraverseFrame(frame) });
    this.vectorForm = new VectorForm(model, invoke, () => this.selection.indices.length);
    this.traverse.root.append(this.vectorForm.root);
    this.samples = new SamplesView(model, invoke, (sample) => this.draw.marks.set({ highlight: sample >= 0 ? { sample } : null }));
    this.worst = new WorstView(model, this.previews, highlight);
    this.manifold = new ManifoldLayer(invoke, {
      region: () => this.draw.coords.visibleRegion(),
      toScreen: (region) => this.draw.coords.regionToScreen(region),
      onToggle: (on) => {
        this.root.dataset.manifold = on ? "1" : "0";
      },
    });
    this.toolbar.addTools(this.manifold.controls);
    this.projectionControls = new ProjectionControls(model, () => this.draw?.total ?? 0);
    this.toolbar.addProjectionTools(this.projectionControls.root);
    this.axes = new AxisLabels(this.mapBox);
    this.history = new HistorySlider(model, {
      show: (coords) => this.draw.showCoords(coords),
      onCount: (count) => {
        if (count > 0) this.root.dataset.snapshots = String(count);
        else delete this.root.dataset.snapshots;
      },
      onStop: (snapshot, generation) => this.previews.setStop(snapshot, generation, this.input?.hoverIndex ?? -1),
    });

    this.root = h("div", { class: "lw-explorer", tabindex: 0 }, [
      this.toolbar.root,
      h("div", { class: "lw-body" }, [this.mapBox, h("aside", { class: "lw-side" }, [this.previews.panel.root, this.interp.root])]),
      this.history.root,
      h("div", { class: "lw-ops" }, [this.neighbours.root, this.traverse.root, this.samples.root, this.worst.root]),
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
      pinned: "-1",
      manifold: "0",
    });
    el.replaceChildren(this.root);
    this.applyHeight();

    this.draw = new MapDraw(
      model,
      { root: this.root, mapBox: this.mapBox, message, info: this.status.info },
      {
        onHover: (index) => this.input.setHover(index),
        onSelect: (indices) => this.selection.fromMap(indices),
        onRegion: (polygon) => this.selection.selectRegion(polygon),
        fail,
        selection: () => this.selection.indices,
        onRecount: () => this.previews.forget(),
        onView: () => {
          this.card.hide();
          this.manifold.viewChanged();
        },
      },
      invoke,
    );
    this.card = new HoverCard(this.mapBox);
    this.mapBox.prepend(this.manifold.canvas);
    this.probe = new Probe(this.mapBox, invoke, {
      toMap: (sx, sy) => this.draw.coords.toMap(sx, sy),
      active: () => this.mode === "probe" && this.input.hoverIndex < 0 && this.draw.geometry !== null,
      show: (result, at) => this.previews.panel.showProbe(result, at),
      fail: (message) => this.previews.panel.fail("probe", message),
    });
    if (!this.draw.map) this.toolbar.disableMapTools();
    this.setMode("pan");
    this.input = new MapInput(model, this.root, this.mapBox, pickHint, {
      hasPoints: () => this.draw.geometry !== null,
      onHover: (index) => {
        if (index < 0) this.card.hide();
        else this.probe.cancel();
        this.previews.update(index);
        if (!this.following) this.link.publish(index);
      },
      onArm: () => this.updateChips(),
      selectionSize: () => this.selection.indices.length,
      clearSelection: () => this.selection.set([]),
      stepFrame: (delta) => this.interp.step(delta),
      togglePlay: () => this.interp.togglePlay(),
    });

    this.listenToModel();
    for (const parts of Object.values(TRAIT_PARTS)) for (const part of parts) this.dirty.add(part);
    this.flush();
  }

  destroy(): void {
    this.destroyed = true;
    this.link.destroy();
    for (const stop of this.stops) stop();
    this.input.destroy();
    this.probe.destroy();
    this.manifold.destroy();
    for (const view of [this.neighbours, this.traverse, this.vectorForm, this.samples, this.worst]) view.destroy();
    this.previews.dispose();
    this.interp.destroy();
    this.history.destroy();
    this.toolbar.destroy();
    this.projectionControls.destroy();
    this.legend.destroy();
    this.draw.destroy();
    this.root.remove();
  }

  // --- model -> views ----------------------------------------------------------------------

  private listenToModel(): void {
    for (const [trait, parts] of Object.entries(TRAIT_PARTS)) {
      const handler = () => {
        if (trait === "_selection" && this.selection.echoing) return;
        if (trait === "_points") {
          this.draw.pointsMoved();
          this.manifold.reset();
        }
        for (const part of parts) this.dirty.add(part);
        this.queueFlush();
      };
      const event = `change:${trait}`;
      this.model.on(event, handler);
      this.stops.push(() => this.model.off(event as `change:${keyof ExplorerTraits}`, handler));
    }
    // LatentExplorer.zoom_to(): a view action, not state, so a message rather than a trait.
    const onMessage = (content: ZoomMessage, buffers?: DataView[]) => this.draw.zoomMessage(content, buffers);
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
        this.draw.showMessage(error instanceof Error ? error.message : String(error));
      }
    };
    run("height", () => this.applyHeight());
    run("status", () => this.applyStatus());
    run("controls", () => this.applyControls());
    run("selection", () => this.selection.fromModel());
    run("colors", () => {
      this.applyLegend();
      this.vectorForm.apply();
    });
    // Before the draw: new coordinates send the slider back to the live map.
    run("history", () => this.history.apply());
    if (parts.has("points") || parts.has("colors")) this.draw.dataChanged();
    run("style", () => this.draw.applyStyle());
    run("interp", () => this.applyInterp());
    run("frames", () => this.applyFrames());
    run("path", () => this.draw.marks.update());
    run("pinned", () => {
      this.root.dataset.pinned = String(int(this.model.get("pinned")));
      this.draw.marks.update();
      this.previews.update(this.input.hoverIndex);
    });
    run("neighbours", () => {
      this.neighbours.apply();
      this.draw.marks.set({ rings: this.neighbours.indices });
    });
    run("traverse", () => this.traverse.applyControls());
    run("traverseFrames", () => this.traverse.applyFrames());
    run("samples", () => {
      this.samples.apply();
      this.draw.marks.set({ samples: this.samples.points() });
    });
    run("worst", () => this.worst.apply());
    run("axes", () => this.axes.update(this.model.get("_axis_labels")));
    run("link", () => this.link.setGroup(String(this.model.get("_link_group") ?? "")));
    run("decoder", () => this.previews.setModelVersion(int(this.model.get("_model_version")), this.input.hoverIndex));
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
    this.toolbar.setProjections(strings(this.model, "_projection_options"), String(this.model.get("projection") ?? ""));
    this.toolbar.setColumns(strings(this.model, "_color_options"), String(this.model.get("color_by") ?? ""));
    this.toolbar.setColorScale(this.model.get("color_scale") as ColorScale, this.model.get("_color_kind") === "continuous");
    this.root.dataset.probeExact = String(this.model.get("_probe_exact") === true);
    this.projectionControls.apply();
    // Traversal and samples show decoded codes: without a decoder there are none.
    const decoder = this.model.get("_has_decoder") !== false;
    this.traverse.root.hidden = !decoder;
    this.samples.root.hidden = !decoder;
    this.draw.updateInfo();
  }

  private applyLegend(): void {
    this.legend.update(legendSpec(this.model));
  }

  private applyInterp(): void {
    // Interpolated codes can only be shown through a decoder.
    this.interp.root.hidden = this.model.get("_has_decoder") === false;
    this.interp.setMethod(this.model.get("interp_method") === "lerp" ? "lerp" : "slerp");
    this.interp.setSteps(int(this.model.get("interp_steps"), 16));
    this.updateChips();
    this.draw.marks.update();
  }

  private applyFrames(): void {
    this.interp.setFrames(framesArray(this.model));
    this.updateChips();
  }

  /** The A/B chips: each end's index and thumbnail (its cached preview, else its end frame). */
  private updateChips(): void {
    for (const target of ["a", "b"] as const) {
      const index = int(this.model.get(target === "a" ? "interp_a" : "interp_b"));
      const thumb = index < 0 ? null : (this.previews.thumbnail(index) ?? this.interp.endFrame(target));
      this.interp.setEnd(target, index, thumb, this.input.pickTarget === target);
    }
  }

  /** Another view of the link group hovers `index` (-1: none): show it here as hovered. */
  private followHover(index: number): void {
    if (this.destroyed || !this.draw.geometry) return;
    const shown = index >= 0 && index < this.draw.total ? index : -1;
    this.following = true;
    try {
      this.draw.hover(shown);
      this.input.setHover(shown);
    } finally {
      this.following = false;
    }
  }

  // --- views -> model ----------------------------------------------------------------------

  private setMode(mode: MapMode): void {
    this.mode = mode;
    if (mode !== "probe") this.probe?.cancel();
    this.root.dataset.mode = mode;
    this.toolbar.showMode(mode);
    this.draw.setMode(mode);
  }
}

function render({ model, el, experimental }: RenderProps<ExplorerTraits>): () => void {
  const explorer = new Explorer(model, el, experimental);
  return () => explorer.destroy();
}

export default { render };
