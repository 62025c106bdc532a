// Ctrl+Z / Ctrl+Shift+Z (Cmd on a Mac; Ctrl+Y too) on the explorer undo and redo the kernel's one
// timeline of the selection, tags and filter. In a text box the keys keep their own meaning.
import { COMMANDS } from "../wire/contract";
import type { Invoke } from "../wire/invoke";
import { listen } from "./dom";

/** Which timeline command a key press asks for, if any. */
export function undoKeyCommand(event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "shiftKey" | "altKey">): "undo" | "redo" | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  const key = event.key.toLowerCase();
  if (key === "z") return event.shiftKey ? "redo" : "undo";
  if (key === "y" && !event.shiftKey) return "redo";
  return null;
}

/** Listen on `root`; the function returned stops listening. */
export function listenUndoKeys(root: HTMLElement, invoke: Invoke, fail: (message: string) => void): () => void {
  return listen(root, "keydown", (event) => {
    const target = event.target as HTMLElement;
    if (target !== root && target.matches("input, select, textarea")) return;
    const wanted = undoKeyCommand(event);
    if (!wanted) return;
    // Jupyter would undo a cell operation with the same keys: the widget's own undo wins here.
    event.preventDefault();
    event.stopPropagation();
    invoke<{ error?: string }>(wanted === "undo" ? COMMANDS.undo : COMMANDS.redo, {})
      .then(([response]) => {
        if (response?.error) fail(response.error);
      })
      .catch((error) => fail(error instanceof Error ? error.message : String(error)));
  });
}
