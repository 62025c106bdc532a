"""The ``latentwidgets`` command: ``latentwidgets demo`` opens the quickstart in JupyterLab."""

from __future__ import annotations

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Sequence

# The wheel carries the quickstart inside the package; a source checkout has it in notebooks/.
_QUICKSTART_PATHS = (
    pathlib.Path(__file__).parent / "_demo" / "quickstart.ipynb",
    pathlib.Path(__file__).parent.parent / "notebooks" / "01_quickstart.ipynb",
)


def _quickstart() -> pathlib.Path:
    for path in _QUICKSTART_PATHS:
        if path.exists():
            return path
    raise FileNotFoundError(
        f"the quickstart notebook is missing; looked in {list(map(str, _QUICKSTART_PATHS))}"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="latentwidgets", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo", help="open the quickstart notebook in JupyterLab, or write a standalone HTML map"
    )
    demo.add_argument(
        "--html", metavar="FILE", help="write the digits VAE's latent map to FILE and exit"
    )
    demo.add_argument("--dir", default="latentwidgets-demo", help="folder for the demo notebook")
    demo.add_argument(
        "--no-browser", action="store_true", help="print the URL instead of opening it"
    )
    demo.add_argument("--port", type=int, default=None, help="port for JupyterLab")
    return parser


def _write_html(path: str) -> pathlib.Path:
    import numpy as np

    import latentwidgets as lw

    data = lw.datasets.digits()
    vae = lw.models.load_pretrained("digits-vae")
    explorer = lw.LatentExplorer(vae.encoder, vae.decoder, data, progress=False)
    zero, seven = (int(np.flatnonzero(data.labels == digit)[0]) for digit in (0, 7))
    explorer.interpolate(zero, seven, steps=16)
    return explorer.save_html(path)


def _lab_command(notebook: pathlib.Path, no_browser: bool, port: int | None) -> list[str]:
    command = [sys.executable, "-m", "jupyter", "lab", str(notebook.name)]
    command.append(f"--ServerApp.root_dir={notebook.parent}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers run as root; Lab refuses to start otherwise
    if no_browser:
        command.append("--no-browser")
    if port is not None:
        command.append(f"--port={port}")
    return command


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``latentwidgets`` command line."""
    args = _parser().parse_args(argv)
    if args.html:
        path = _write_html(args.html)
        print(
            f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB): open it in any browser, no kernel needed"
        )
        return 0
    folder = pathlib.Path(args.dir).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    notebook = folder / "quickstart.ipynb"
    if not notebook.exists():
        shutil.copyfile(_quickstart(), notebook)
    print(f"latentwidgets demo: opening {notebook} in JupyterLab (Ctrl+C to stop)", flush=True)
    try:
        return subprocess.call(_lab_command(notebook, args.no_browser, args.port), cwd=folder)
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    raise SystemExit(main())
