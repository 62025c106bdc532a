// The attribute-vector form of the traversal panel: "the selection minus the rest" or "label X
// minus label Y", saved under a name by the kernel's `vector_command`; the saved name then
// joins the traversal directions (`_traverse_options`).
import { MISSING_LABEL, OTHER_LABEL } from "../map/colors";
import { h, listen } from "../ui/dom";
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { type Model, strings } from "../wire/traits";
/** The colour column whose categories are the labels a vector may be taken between. */
export const LABEL_COLUMN = "label";

export type VectorGroup = { selection: true } | { rest: true } | { label: string };
export interface VectorRequest {
  name: string;
  a: VectorGroup;
  b: VectorGroup;
}

/** Why a vector cannot be asked for yet (null: it can). */
export function vectorProblem(request: VectorRequest, selected: number): string | null {
  if (!request.name.trim()) return "Name the vector.";
  if (/^(dim |pc)/.test(request.name)) return "Names starting with 'dim ' or 'pc' are the built-in directions.";
  if ("selection" in request.a && selected === 0) return "Select points on the map first.";
  if ("label" in request.a && "label" in request.b && request.a.label === request.b.label) return "Choose two different labels.";
  return null;
}

/** The labels a vector may be taken between: the label column's categories, bar the catch-alls. */
export function labelChoices(categories: readonly string[]): string[] {
  return categories.filter((c) => c !== OTHER_LABEL && c !== MISSING_LABEL);
}

export class VectorForm {
  readonly root: HTMLElement;
  private readonly kind: HTMLSelectElement;
  private readonly labelA: HTMLSelectElement;
  private readonly labelB: HTMLSelectElement;
  private readonly labels: HTMLElement;
  private readonly name: HTMLInputElement;
  private readonly button: HTMLButtonElement;
  private readonly message: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly controller = new AbortController();
  /** The label column's categories, kept from when the map was last coloured by it. */
  private categories: string[] = [];
  private busy = false;

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
    private readonly selected: () => number,
  ) {
    this.kind = h("select", { class: "lw-select lw-vector-kind", "aria-label": "Vector between" }, [
      h("option", { value: "selection", text: "selection − rest" }),
      h("option", { value: "labels", text: "label − label" }),
    ]);
    this.labelA = h("select", { class: "lw-select lw-vector-a", "aria-label": "Label minuend" });
    this.labelB = h("select", { class: "lw-select lw-vector-b", "aria-label": "Label subtrahend" });
    this.labels = h("span", { class: "lw-vector-labels", hidden: true }, [this.labelA, h("span", { text: "−" }), this.labelB]);
    this.name = h("input", { type: "text", class: "lw-text lw-vector-name", placeholder: "name", "aria-label": "Vector name", maxlength: 40 });
    this.button = h("button", { type: "button", class: "lw-button lw-vector-save", text: "Save vector" });
    this.message = h("div", { class: "lw-vector-message", "aria-live": "polite" });
    this.root = h("div", { class: "lw-vector-form", title: "A direction from the mean code of one group to another's" }, [
      h("div", { class: "lw-vector-row" }, [h("span", { class: "lw-vector-title", text: "Vector" }), this.kind, this.labels]),
      h("div", { class: "lw-vector-row" }, [this.name, this.button]),
      this.message,
    ]);
    this.stops.push(
      listen(this.kind, "change", () => this.refresh()),
      listen(this.labelA, "change", () => this.refresh()),
      listen(this.labelB, "change", () => this.refresh()),
      listen(this.name, "input", () => this.refresh()),
      listen(this.name, "keydown", (event) => {
        event.stopPropagation(); // typing is not JupyterLab's shortcuts
        if (event.key === "Enter") void this.save();
      }),
      listen(this.button, "click", () => void this.save()),
    );
    this.refresh();
  }

  /** The label column's categories, when the colours show it; the enabled state. */
  apply(): void {
    if (this.model.get("color_by") === LABEL_COLUMN && this.model.get("_color_kind") === "categorical") {
      const choices = labelChoices(strings(this.model, "_color_categories"));
      if (choices.join("\u0000") !== this.categories.join("\u0000")) {
        this.categories = choices;
        for (const [select, pick] of [
          [this.labelA, 0],
          [this.labelB, 1],
        ] as const) {
          const value = select.value;
          select.replaceChildren(...choices.map((c) => h("option", { value: c, text: c })));
          select.value = choices.includes(value) ? value : (choices[Math.min(pick, choices.length - 1)] ?? "");
        }
      }
    }
    this.refresh();
  }

  /** What the form asks for now. */
  request(): VectorRequest {
    const byLabel = this.kind.value === "labels";
    return {
      name: this.name.value.trim(),
      a: byLabel ? { label: this.labelA.value } : { selection: true },
      b: byLabel ? { label: this.labelB.value } : { rest: true },
    };
  }

  /** Enable the button for a request that can be made; say why not otherwise. */
  refresh(): void {
    const byLabel = this.kind.value === "labels";
    this.labels.hidden = !byLabel;
    const noLabels = byLabel && this.categories.length < 2;
    const problem = noLabels ? `Colour by "${LABEL_COLUMN}" to choose labels.` : vectorProblem(this.request(), this.selected());
    this.button.disabled = this.busy || problem !== null;
    this.button.title = problem ?? "Save the vector; it joins the traversal directions";
  }

  destroy(): void {
    this.controller.abort(new Error("vector form closed"));
    for (const stop of this.stops) stop();
  }

  private async save(): Promise<void> {
    this.refresh();
    if (this.button.disabled) return;
    const request = this.request();
    this.busy = true;
    this.refresh();
    this.show("Saving…", "busy");
    try {
      const [response] = await this.invoke<{ name?: string; error?: string }>(COMMANDS.vector, request, { signal: this.controller.signal });
      if (response?.error) this.show(response.error, "error");
      else this.show(`Saved "${response?.name ?? request.name}": choose it as the direction.`, "ok");
    } catch (error) {
      if (!this.controller.signal.aborted) this.show(error instanceof Error ? error.message : String(error), "error");
    } finally {
      this.busy = false;
      this.refresh();
    }
  }

  private show(text: string, state: "busy" | "ok" | "error"): void {
    this.message.textContent = text;
    this.message.dataset.state = state;
  }
}
