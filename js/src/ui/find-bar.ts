// The find bar under the toolbar: the search box (`.lw-search`: matches ringed on the map and
// listed, a click on one pins and frames it) and the filter box (`.lw-filter`: Enter applies it;
// the points that fail are dimmed). The kernel searches and filters; this shows what it says.
import type { View } from "../core/router";
import type { MapView } from "../map/map-view";
import { SearchRings } from "../map/search-rings";
import { decodeOptional } from "../wire/codecs";
import { COMMANDS, type Part } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { type Model, save } from "../wire/traits";
import { formatCount, h, listen } from "./dom";
import "./find.css";

/** Wait after the last keystroke before the kernel is asked (a search per key is wasted work). */
export const SEARCH_DEBOUNCE_MS = 150;

/** How much of the map's span a listed match is framed in, around it. */
export const FOCUS_SPAN = 0.12;

export class FindBar implements View {
  readonly parts: readonly Part[] = ["search", "filter"];
  readonly root: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly searchCount: HTMLElement;
  private readonly matches: HTMLElement;
  private readonly filter: HTMLInputElement;
  private readonly filterNote: HTMLElement;
  private readonly stops: (() => void)[] = [];
  private readonly controller = new AbortController();
  private readonly rings: SearchRings;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private places: Float32Array | null = null;

  constructor(
    private readonly model: Model,
    private readonly invoke: Invoke,
    private readonly map: MapView,
    mapBox: HTMLElement,
    /** Put a fact on the widget's root (`data-*`), for tests and tools. */
    private readonly report: (name: string, value: string) => void,
  ) {
    this.rings = new SearchRings({ toScreen: (x, y) => map.coords.rawToScreen(x, y), size: () => map.coords.view });
    // Over the points and their overlay, under the legend and the labels.
    const under = mapBox.querySelector(".lw-path-overlay") ?? mapBox.querySelector(".lw-map-canvas");
    if (under) under.after(this.rings.canvas);
    else mapBox.prepend(this.rings.canvas);
    this.search = h("input", { type: "search", class: "lw-search", placeholder: "Search", "aria-label": "Search the points' columns", maxlength: 1000 });
    this.searchCount = h("span", { class: "lw-search-count", "aria-live": "polite" });
    this.matches = h("div", { class: "lw-search-results", role: "list", hidden: true });
    this.filter = h("input", {
      type: "text",
      class: "lw-filter",
      placeholder: "Filter, e.g. label in (1, 7)",
      "aria-label": "Filter: an expression over the columns; Enter applies it",
      spellcheck: "false",
      maxlength: 2000,
    });
    this.filterNote = h("span", { class: "lw-filter-note", "aria-live": "polite" });
    const searchBox = h("span", { class: "lw-search-box" }, [this.search, this.searchCount, this.matches]);
    const filterBox = h("span", { class: "lw-filter-box" }, [this.filter, this.filterNote]);
    this.root = h("div", { class: "lw-find" }, [searchBox, filterBox]);
    this.stops.push(
      listen(this.search, "input", () => this.searchSoon()),
      listen(this.search, "keydown", (event) => this.searchKey(event)),
      listen(this.filter, "keydown", (event) => this.filterKey(event)),
      listen(this.filter, "input", () => this.filter.classList.remove("lw-invalid")),
      map.moved.on(() => this.rings.schedule()),
      map.drawn.on(() => this.rings.schedule()),
    );
  }

  apply(changed: ReadonlySet<Part>): void {
    if (changed.has("search")) this.showSearch();
    if (changed.has("filter")) this.showFilter();
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.controller.abort(new Error("find bar closed"));
    for (const stop of this.stops) stop();
    this.rings.destroy();
  }

  // ---------------------------------------------------------------- search
  private searchSoon(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.sendQuery(), SEARCH_DEBOUNCE_MS);
  }

  private sendQuery(): void {
    clearTimeout(this.timer);
    if (this.search.value !== this.model.get("search_query")) save(this.model, { search_query: this.search.value });
  }

  private searchKey(event: KeyboardEvent): void {
    // JupyterLab takes keys that bubble out of an output (Escape leaves the cell): keep them here.
    event.stopPropagation();
    if (event.key === "Enter") this.sendQuery();
    else if (event.key === "Escape") {
      this.search.value = "";
      this.sendQuery();
    }
  }

  private showSearch(): void {
    const query = String(this.model.get("search_query") ?? "");
    // The person's typing wins over a query that is on its way to the kernel.
    if (document.activeElement !== this.search) this.search.value = query;
    const count = Number(this.model.get("_search_count") ?? 0);
    try {
      this.places = decodeOptional("_search_places", this.model.get("_search_places"), { dtypes: ["float32"], shape: [-1, 2] })?.data ?? null;
    } catch (error) {
      console.warn("latentwidgets: ignoring _search_places", error);
      this.places = null;
    }
    this.rings.setPlaces(query ? this.places : null);
    const ringed = this.places ? this.places.length / 2 : 0;
    this.searchCount.textContent = !query
      ? ""
      : count === 0
        ? "no match"
        : `${formatCount(count)} ${count === 1 ? "match" : "matches"}${ringed < count ? ` · first ${formatCount(ringed)} ringed` : ""}`;
    this.report("searchCount", String(query ? count : 0));
    const rows = (query ? (this.model.get("_search_list") ?? []) : []) as [number, string, string][];
    this.matches.replaceChildren(...rows.map((row, k) => this.matchRow(row, k)));
    if (rows.length < count) this.matches.append(h("div", { class: "lw-search-more", text: `and ${formatCount(count - rows.length)} more` }));
    this.matches.hidden = rows.length === 0;
  }

  private matchRow([index, column, value]: [number, string, string], k: number): HTMLElement {
    const row = h("button", { type: "button", class: "lw-search-match", role: "listitem", "data-index": index, title: `Pin point ${index} and zoom to it` }, [
      h("span", { class: "lw-search-index", text: `#${index}` }),
      h("span", { class: "lw-search-column", text: column }),
      h("span", { class: "lw-search-value", text: value }),
    ]);
    row.addEventListener("click", () => this.focus(index, k));
    return row;
  }

  /** Pin the `k`-th match, point `index`, and frame it (from its place: a sampled map may not draw it). */
  private focus(index: number, k: number): void {
    save(this.model, { pinned: index });
    const places = this.places;
    const extent = (this.model.get("_extent") ?? []) as number[];
    if (!places || 2 * k + 1 >= places.length || extent.length !== 4) {
      void this.map.zoomTo([index]);
      return;
    }
    const [x, y] = [places[2 * k], places[2 * k + 1]];
    const half = (FOCUS_SPAN / 2) * Math.max(extent[1] - extent[0], extent[3] - extent[2]);
    void this.map.zoomToRegion({ x0: x - half, x1: x + half, y0: y - half, y1: y + half });
  }

  // ---------------------------------------------------------------- filter
  private filterKey(event: KeyboardEvent): void {
    event.stopPropagation();
    if (event.key !== "Enter") return;
    event.preventDefault();
    const text = this.filter.value;
    this.filterNote.textContent = "filtering…";
    this.invoke<{ error?: string; count?: number }>(COMMANDS.applyFilter, { filter: text }, { signal: this.controller.signal })
      .then(([response]) => {
        if (response?.error) this.filterFailed(response.error);
        else this.showFilter();
      })
      .catch((error) => {
        if (!this.controller.signal.aborted) this.filterFailed(error instanceof Error ? error.message : String(error));
      });
  }

  /** The kernel refused the filter: say why beside the box, which keeps the text to fix. */
  private filterFailed(message: string): void {
    this.filter.classList.add("lw-invalid");
    // The reason beside the box (its first clause); all of it in the tooltip and the status line.
    this.filterNote.textContent = message.replace(/^\w+: /, "").split("; ")[0];
    this.filterNote.classList.add("lw-filter-error");
    this.filterNote.title = message;
    this.report("filterError", "1");
  }

  private showFilter(): void {
    const text = String(this.model.get("filter") ?? "");
    if (document.activeElement !== this.filter) this.filter.value = text;
    this.filter.classList.remove("lw-invalid");
    this.filterNote.classList.remove("lw-filter-error");
    this.filterNote.title = "";
    this.report("filterError", "0");
    const passing = Number(this.model.get("_filtered_count") ?? 0);
    const total = Number(this.model.get("_n_points") ?? 0);
    this.filterNote.textContent = text ? `${formatCount(passing)} of ${formatCount(total)} pass` : "";
    this.report("filtered", String(passing));
  }
}
