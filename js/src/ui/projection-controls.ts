// Beside the projection select: the two latent dimensions of the "dims" map, and a popover with
// the main parameters of t-SNE and UMAP, written to `projection_params` before they start.

import { LIMITS } from "../wire/contract";
import { type Model, save, strings } from "../wire/traits";
import type { ProjectionParams } from "../wire/types";
import { h, listen } from "./dom";

/** The latent dimensionality, read from the traversal menu's "zk" entries (at most LIMITS.dims). */
export function dimsCount(options: readonly string[]): number {
  let count = 0;
  for (const option of options) {
    const match = /^z(\d+)$/.exec(option);
    if (match) count = Math.max(count, Number(match[1]) + 1);
  }
  return Math.min(count, LIMITS.dims[1]);
}

/** A parameter the popover offers: its projection, name, label, default and rule. */
export interface ParamSpec {
  projection: string;
  name: string;
  label: string;
  fallback: number;
  step: number;
  /** Why `value` is refused for `n` points, or null when it is fine (the kernel's own rules). */
  check: (value: number, n: number) => string | null;
}

export const PARAMS: readonly ParamSpec[] = [
  {
    projection: "tsne",
    name: "perplexity",
    label: "t-SNE perplexity",
    fallback: 30,
    step: 1,
    check: (v, n) => (v > 0 && (n <= 0 || v < n) ? null : `perplexity must be in (0, ${n > 0 ? n : "n_samples"})`),
  },
  {
    projection: "umap",
    name: "n_neighbors",
    label: "UMAP neighbours",
    fallback: 15,
    step: 1,
    check: (v, n) =>
      Number.isInteger(v) && v >= 2 && (n <= 0 || v < n) ? null : `n_neighbors must be an integer in [2, ${n > 0 ? n : "n_samples"})`,
  },
  {
    projection: "umap",
    name: "min_dist",
    label: "UMAP min. distance",
    fallback: 0.1,
    step: 0.05,
    check: (v) => (v >= 0 ? null : "min_dist must be a number >= 0"),
  },
];

/** `params` with `projection`'s `name` set to `value` (a new object: the trait changes). */
export function withParam(params: ProjectionParams | null | undefined, projection: string, name: string, value: number): ProjectionParams {
  const out: ProjectionParams = {};
  for (const [p, values] of Object.entries(params ?? {})) out[p] = { ...values };
  out[projection] = { ...(out[projection] ?? {}), [name]: value };
  return out;
}

export class ProjectionControls {
  readonly root: HTMLElement;
  private readonly dimsBox: HTMLElement;
  private readonly dimX: HTMLSelectElement;
  private readonly dimY: HTMLSelectElement;
  private readonly paramsButton: HTMLButtonElement;
  private readonly popover: HTMLElement;
  private readonly error: HTMLElement;
  private readonly inputs = new Map<ParamSpec, HTMLInputElement>();
  private readonly rows = new Map<ParamSpec, HTMLElement>();
  private readonly stops: (() => void)[] = [];

  constructor(
    private readonly model: Model,
    /** The number of points drawn (0: not known yet). */
    private readonly pointCount: () => number,
  ) {
    this.dimX = h("select", { class: "lw-select lw-dims-x", title: "Latent dimension on the x axis", "aria-label": "x dimension" });
    this.dimY = h("select", { class: "lw-select lw-dims-y", title: "Latent dimension on the y axis", "aria-label": "y dimension" });
    this.dimsBox = h("span", { class: "lw-dims", hidden: true }, [this.dimX, h("span", { class: "lw-dims-sep", text: "×" }), this.dimY]);
    this.paramsButton = h("button", {
      type: "button",
      class: "lw-button lw-icon lw-projection-params",
      title: "Projection parameters (used when a projection is next computed)",
      "aria-label": "Projection parameters",
      "aria-expanded": "false",
      text: "⚙",
    });
    const rows = PARAMS.map((spec) => {
      const input = h("input", { type: "number", class: `lw-number lw-param-${spec.name}`, step: spec.step, min: 0, "aria-label": spec.label });
      this.inputs.set(spec, input);
      const row = h("label", { class: "lw-param", "data-projection": spec.projection }, [h("span", { text: spec.label }), input]);
      this.rows.set(spec, row);
      this.stops.push(listen(input, "change", () => this.commit(spec)));
      return row;
    });
    this.error = h("div", { class: "lw-params-error", role: "alert", hidden: true });
    this.popover = h("div", { class: "lw-params-popover", hidden: true, role: "dialog", "aria-label": "Projection parameters" }, [
      ...rows,
      this.error,
      h("div", { class: "lw-params-note", text: "Used when the projection is next computed; at once if it is on show." }),
    ]);
    this.root = h("span", { class: "lw-projection-tools" }, [this.dimsBox, h("span", { class: "lw-params-anchor" }, [this.paramsButton, this.popover])]);
    this.stops.push(
      listen(this.dimX, "change", () => this.saveDims()),
      listen(this.dimY, "change", () => this.saveDims()),
      listen(this.paramsButton, "click", () => this.toggle()),
      listen(this.popover, "keydown", (event) => {
        // JupyterLab would take the arrow and editing keys of the inputs for itself.
        event.stopPropagation();
        if (event.key === "Escape") this.toggle(false);
      }),
      listen(document, "pointerdown", (event) => {
        if (!this.popover.hidden && !this.root.contains(event.target as Node)) this.toggle(false);
      }),
    );
  }

  /** The controls from the model: the dims pair and its options, the parameters. */
  apply(): void {
    const projection = String(this.model.get("projection") ?? "");
    const count = dimsCount((this.model.get("_traverse_options") ?? []) as string[]);
    this.dimsBox.hidden = projection !== "dims" || count === 0;
    const dims = (this.model.get("dims") ?? [0, 1]) as number[];
    for (const [select, value] of [
      [this.dimX, dims[0] ?? 0],
      [this.dimY, dims[1] ?? 1],
    ] as const) {
      if (select.options.length !== count) {
        select.replaceChildren(...Array.from({ length: count }, (_, d) => h("option", { value: d, text: `z${d}` })));
      }
      select.value = String(value);
    }
    const offered = new Set(strings(this.model, "_projection_options"));
    const params = (this.model.get("projection_params") ?? {}) as ProjectionParams;
    let any = false;
    for (const spec of PARAMS) {
      const row = this.rows.get(spec) as HTMLElement;
      row.hidden = !offered.has(spec.projection);
      any ||= !row.hidden;
      const input = this.inputs.get(spec) as HTMLInputElement;
      // Leave what someone is typing, and a value shown as refused, as they are.
      if (document.activeElement === input || input.getAttribute("aria-invalid") === "true") continue;
      input.value = String(params[spec.projection]?.[spec.name] ?? spec.fallback);
    }
    this.paramsButton.hidden = !any;
  }

  destroy(): void {
    for (const stop of this.stops) stop();
  }

  private saveDims(): void {
    save(this.model, { dims: [Number(this.dimX.value), Number(this.dimY.value)] });
  }

  private toggle(open = this.popover.hidden === true): void {
    this.popover.hidden = !open;
    this.paramsButton.setAttribute("aria-expanded", String(open));
    this.paramsButton.classList.toggle("is-active", open);
  }

  /** Send a parameter the kernel's rules accept; show a refused one as invalid, unsent. */
  private commit(spec: ParamSpec): void {
    const input = this.inputs.get(spec) as HTMLInputElement;
    const value = input.value.trim() === "" ? Number.NaN : Number(input.value);
    const problem = Number.isFinite(value) ? spec.check(value, this.pointCount()) : `${spec.name} must be a number`;
    input.setAttribute("aria-invalid", String(problem !== null));
    input.classList.toggle("is-invalid", problem !== null);
    input.title = problem ?? "";
    const refused = [...this.inputs.values()].map((i) => (i.getAttribute("aria-invalid") === "true" ? i.title : "")).filter(Boolean);
    this.error.hidden = refused.length === 0;
    this.error.textContent = refused.length ? `${refused.join("; ")}: not sent` : "";
    if (problem !== null) return;
    const params = this.model.get("projection_params") as ProjectionParams | undefined;
    save(this.model, { projection_params: withParam(params, spec.projection, spec.name, value) });
  }
}
