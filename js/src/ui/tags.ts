// The toolbar's tags: a box and a button that tag the selection, and a chip per tag (its count;
// a click selects its points, the cross takes the tag off them). The kernel keeps the tags.
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { formatCount, h, listen } from "./dom";
import "./tags.css";

export class TagsBar {
  readonly root: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly applyButton: HTMLButtonElement;
  private readonly list: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly controller = new AbortController();
  private selected = 0;

  constructor(
    private readonly invoke: Invoke,
    private readonly fail: (message: string) => void,
  ) {
    this.input = h("input", { type: "text", class: "lw-tag-input", placeholder: "tag name", maxlength: 64, "aria-label": "Tag name for the selection" });
    this.applyButton = h("button", { type: "button", class: "lw-button lw-tag-apply", text: "Tag", title: "Tag the selected points", disabled: true });
    this.list = h("span", { class: "lw-tag-list" });
    this.root = h("span", { class: "lw-tags" }, [this.input, this.applyButton, this.list]);
    this.stops.push(
      listen(this.applyButton, "click", () => this.tagSelection()),
      listen(this.input, "input", () => this.refreshButton()),
      listen(this.input, "keydown", (event) => {
        if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey) {
          event.preventDefault();
          event.stopPropagation();
          this.tagSelection();
        }
      }),
    );
  }

  /** The number of selected points: tagging needs some. */
  setSelectionCount(count: number): void {
    this.selected = count;
    // The box only with something to tag: the toolbar stays short (a narrow compare column).
    this.root.classList.toggle("has-selection", count > 0);
    this.refreshButton();
  }

  /** The kernel's tags, `[name, count]` each. */
  setTags(tags: readonly (readonly [string, number])[]): void {
    this.list.replaceChildren(
      ...tags.map(([name, count]) => {
        const chip = h("button", { type: "button", class: "lw-tag", "data-tag": name, title: `Select the ${formatCount(count)} points tagged ${name}` }, [
          h("span", { class: "lw-tag-name", text: name }),
          h("span", { class: "lw-tag-count", text: formatCount(count) }),
        ]);
        const remove = h("button", { type: "button", class: "lw-tag-remove", "data-tag": name, title: `Take the tag ${name} off its points`, "aria-label": `Remove tag ${name}`, text: "\u00d7" });
        chip.addEventListener("click", () => this.run(COMMANDS.selectTag, name));
        remove.addEventListener("click", () => this.run(COMMANDS.removeTag, name));
        return h("span", { class: "lw-tag-chip" }, [chip, remove]);
      }),
    );
    this.root.dataset.tags = String(tags.length);
  }

  destroy(): void {
    this.controller.abort(new Error("tags closed"));
    for (const stop of this.stops) stop();
  }

  private refreshButton(): void {
    this.applyButton.disabled = this.selected === 0 || this.input.value.trim() === "";
  }

  private tagSelection(): void {
    const name = this.input.value.trim();
    if (!name || this.selected === 0) return;
    this.run(COMMANDS.tagSelection, name);
  }

  private run(command: string, name: string): void {
    this.invoke<{ error?: string }>(command, { name }, { signal: this.controller.signal })
      .then(([response]) => {
        if (response?.error) this.fail(response.error);
      })
      .catch((error) => {
        if (!this.controller.signal.aborted) this.fail(error instanceof Error ? error.message : String(error));
      });
  }
}
