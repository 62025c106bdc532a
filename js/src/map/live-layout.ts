// A live layout ("tsne (running)") and its end, as the map names what it draws.

const RUNNING = " (running)";

/**
 * The projection to name for what is drawn: `shown`, unless it is a live layout ("tsne (running)")
 * of the projection `current` names without " (running)": the layout has ended.
 */
export function settledProjection(shown: string, current: string): string {
  return shown.endsWith(RUNNING) && shown.slice(0, -RUNNING.length) === current ? current : shown;
}
