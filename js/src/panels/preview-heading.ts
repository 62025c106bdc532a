// What the preview panel's header says about the point on show: its number, then the value of the
// column the map is coloured by, named ("cluster 0"), then its label when that is another column
// ("label 2"), then "pinned". A bare "#50 · 0" left the reader guessing which column the 0 is from.

/** The column whose value names a point when the map is coloured by something else. */
export const LABEL_COLUMN = "label";

/**
 * The header for point `index` from the preview's `fields` ([name, value] pairs), the colour column
 * `colorBy` ("" for none) and whether the point is pinned: "#50 · cluster 0 · label 2 · pinned".
 */
export function previewHeading(index: number, fields: readonly (readonly [string, string])[], colorBy: string, pinned: boolean): string {
  const parts = [`#${index}`];
  const value = (name: string) => fields.find(([field]) => field === name)?.[1];
  const colour = colorBy ? value(colorBy) : undefined;
  if (colour !== undefined) parts.push(`${colorBy} ${colour}`);
  const label = value(LABEL_COLUMN);
  if (label !== undefined && colorBy !== LABEL_COLUMN) parts.push(`${LABEL_COLUMN} ${label}`);
  if (pinned) parts.push("pinned");
  return parts.join(" · ");
}

/**
 * The header while a point's preview is on its way (its fields not known yet), from the core's
 * label "#50 · 0 · pinned" (number, category of the colour column if any, "pinned"): the category
 * is named by its column, "#50 · cluster 0 · pinned".
 */
export function loadingHeading(label: string, colorBy: string): string {
  const parts = label.split(" · ");
  if (!colorBy || parts.length < 2 || !parts[0].startsWith("#")) return label;
  const pinned = parts[parts.length - 1] === "pinned";
  const middle = parts.slice(1, pinned ? -1 : undefined);
  if (middle.length === 0) return label;
  return [parts[0], `${colorBy} ${middle.join(" · ")}`, ...(pinned ? ["pinned"] : [])].join(" · ");
}
