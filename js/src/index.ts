// LatentExplorer's front end: an anywidget render() that builds the core (the map and what is always
// there), the registered panels, and the router that applies each trait change to the views that
// show it (wire/contract.ts says which parts a trait touches; each view says which parts it shows).
import type { RenderProps } from "@anywidget/types";
import { ExplorerCore } from "./core/explorer-core";
import { Router } from "./core/router";
import { PanelLayout } from "./panels/layout";
import { PANEL_TYPES } from "./panels/registry";
import "./ui/styles.css";
import type { ExplorerTraits } from "./wire/contract";

/** anywidget's element for the view: styles.css sizes it in rows and grids of widgets. */
const HOST_CLASS = "lw-host";

function render({ model, el, experimental }: RenderProps<ExplorerTraits>): () => void {
  el.classList.add(HOST_CLASS);
  const core = new ExplorerCore(model, el, experimental);
  const context = core.panelContext();
  const layout = new PanelLayout(
    model,
    PANEL_TYPES.map((create) => create(context)),
    core.places,
  );
  core.toolbar.addTrailingTools(layout.menu.root);
  const router = new Router(model, {
    // Closed panels are left out: they catch up when they open.
    views: () => [...core.views, layout, ...layout.openPanels],
    accept: (trait) => core.accept(trait),
    fail: (part, error) => core.showError(part, error),
  });
  router.applyAll();
  return () => {
    router.destroy();
    layout.destroy();
    core.destroy();
    el.classList.remove(HOST_CLASS);
  };
}

export default { render };
