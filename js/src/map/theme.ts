// Map colours that follow the page's theme: JupyterLab's light or dark background.
import { luminance, parseColor } from "./colors";
import type { MapTheme } from "./map-surface";
import type { OverlayColors } from "./overlay";

const A_COLOR = "#0ea5e9";
const B_COLOR = "#d946ef";

/** Until the map is in the page no theme colours can be read: assume light. */
export const LIGHT_THEME: MapTheme = { background: [1, 1, 1, 1], accent: "#4e79a7", hover: "#111111", dark: false };

/** The theme of the page around `el`, read from its computed background. */
export function readTheme(el: HTMLElement): MapTheme {
  const css = getComputedStyle(el).backgroundColor;
  const dark = (luminance(css) ?? 1) < 0.3;
  return {
    background: parseColor(css) ?? [1, 1, 1, 1],
    accent: dark ? "#7aa7d9" : "#3d6a9e",
    hover: dark ? "#ffffff" : "#0f172a",
    dark,
  };
}

export function sameTheme(a: MapTheme, b: MapTheme): boolean {
  return a.background.join() === b.background.join() && a.dark === b.dark;
}

export function overlayColors(theme: MapTheme): OverlayColors {
  const dark = theme.dark;
  return {
    line: dark ? "#f1f5f9" : "#1e293b",
    halo: dark ? "rgba(15, 23, 42, 0.85)" : "rgba(255, 255, 255, 0.9)",
    text: dark ? "#f1f5f9" : "#1e293b",
    a: A_COLOR,
    b: B_COLOR,
  };
}

/** Call `onChange` when JupyterLab switches themes (it changes attributes on <body>); returns the stop. */
export function watchTheme(onChange: () => void): () => void {
  if (typeof MutationObserver === "undefined") return () => undefined;
  const observer = new MutationObserver(onChange);
  observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name", "class"] });
  return () => observer.disconnect();
}
