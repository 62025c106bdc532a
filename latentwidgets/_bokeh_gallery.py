"""The exported page's panels of items: the selection gallery, copy button and frames.

Items show as pictures, or as text where every one reads as text (a text model's output).
"""

from __future__ import annotations

import base64
import html
from typing import Any

from bokeh.layouts import column
from bokeh.models import ColumnDataSource, CustomJS
from bokeh.models.widgets import Button, Div, Slider

from latentwidgets.render import Preview, PreviewRenderer

from ._bokeh_sound import frame_sounds, frame_uris

# Frames are shown with their longer side at this many CSS pixels, upscaled without smoothing.
_FRAME_PX = 256


_PIXELATED = "image-rendering: pixelated; display: block;"


# The selection gallery shows at most this many thumbnails (and the count of all selected).
_GALLERY_MAX = 48


# The gallery of a comparison with reconstructions shows this many rows (input and each model's
# output side by side): rows of 3+ thumbnails are long, and the indices field holds them all.
_ROWS_MAX = 16


def _output_columns(
    outputs: list[tuple[str, Any]],
    n: int,
    thumb_size: int,
    renderer: PreviewRenderer,
    data: dict[str, Any],
) -> list[tuple[str, str]]:
    """Add each model's output thumbnails to ``data`` (``out_k``, ``_w``, ``_h``); name them.

    Outputs that read as text go into ``out_k`` as strings, with no sizes.
    """
    named = []
    for k, (name, images) in enumerate(outputs):
        thumbs = _previews(images, f"{name}'s outputs", renderer)
        if len(thumbs) != n:
            raise ValueError(f"{name}'s outputs must hold one per point ({n}); got {len(thumbs)}")
        named.append((name, f"out_{k}"))
        if thumbs and all(thumb.kind == "text" for thumb in thumbs):
            data[f"out_{k}"] = [thumb.text or "" for thumb in thumbs]
            continue
        data[f"out_{k}"] = [_data_uri(t, f"{name}'s outputs", i) for i, t in enumerate(thumbs)]
        sizes = [_display_size(thumb, thumb_size) for thumb in thumbs]
        data[f"out_{k}_w"] = [width for width, _ in sizes]
        data[f"out_{k}_h"] = [height for _, height in sizes]
    return named


_FIELD_HEAD = (
    '<textarea class="lw-selection-field" readonly rows="3" aria-label="selected indices"'
    ' style="width: 280px; font-family: monospace;">'
)


_FIELD_TAIL = "</textarea>"


_GALLERY_JS = """
const picked = source.selected.indices.slice().sort((a, b) => a - b);
const n = picked.length;
const cap = outputs.length > 0 ? rowLimit : limit;
const shown = picked.slice(0, cap);
let html = `<div class="lw-gallery-count" data-count="${n}">${n} selected` +
  (n > cap ? ` (first ${cap} shown)` : "") + "</div>";
const escape = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const inputs = thumbs ? "thumb" : texts ? "text" : null;
if (outputs.length > 0 && n > 0) {
  // one row per selected point: its input, then each model's output (a picture, or text)
  const d = source.data;
  const img = (col, i, cls, extra) => d[col + "_w"] === undefined
    ? `<td class="${cls}" data-index="${i}"${extra}>${escape(d[col][i])}</td>`
    : `<td><img class="${cls}" data-index="${i}"${extra} src="${d[col][i]}"` +
      ` width="${d[col + "_w"][i]}" height="${d[col + "_h"][i]}" alt="point ${i}"` +
      ` style="${style}"></td>`;
  const header = (inputs ? "<th>input</th>" : "") + outputs.map(([name]) =>
    `<th data-model="${name}">${name}</th>`).join("");
  const rows = shown.map((i) => `<tr data-index="${i}">` +
    (inputs ? img(inputs, i, "lw-gallery-thumb", "") : "") +
    outputs.map(([name, col]) =>
      img(col, i, "lw-gallery-output", ` data-model="${name}"`)).join("") + "</tr>").join("");
  html += `<table class="lw-gallery lw-gallery-table"><tr>${header}</tr>${rows}</table>`;
} else if (texts && n > 0) {
  html += '<ol class="lw-gallery lw-gallery-texts" style="max-width: 300px; font-family: monospace;">' + shown.map((i) =>
    `<li value="${i}" data-index="${i}">${escape(source.data.text[i])}</li>`).join("") + "</ol>";
} else if (thumbs && n > 0) {
  const d = source.data;
  html += '<div class="lw-gallery" style="display: flex; flex-wrap: wrap; gap: 2px;' +
    ' max-width: 300px;">' + shown.map((i) =>
      `<img class="lw-gallery-thumb" data-index="${i}" src="${d.thumb[i]}"` +
      ` width="${d.thumb_w[i]}" height="${d.thumb_h[i]}" title="point ${i}" alt="point ${i}"` +
      ` style="${style}">`).join("") + "</div>";
}
gallery.text = html;
field.text = head + picked.join(",") + tail;
button.label = "Copy selected indices";
"""


_COPY_JS = """
const text = source.selected.indices.slice().sort((a, b) => a - b).join(",");
field.text = head + text + tail;
const fallback = () => {
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  try { document.execCommand("copy"); } catch (error) { /* the field still holds them */ }
  area.remove();
};
if (navigator.clipboard && navigator.clipboard.writeText) {
  navigator.clipboard.writeText(text).catch(fallback);
} else {
  fallback();
}
const n = text ? text.split(",").length : 0;
button.label = `Copied ${n} ${n === 1 ? "index" : "indices"}`;
"""


def _selection_panel(
    source: ColumnDataSource,
    thumbs: bool,
    outputs: list[tuple[str, str]] | None = None,
    texts: bool = False,
) -> Any:
    """Build the gallery of the selected points, a copy button and a read-only indices field.

    With ``texts`` (a ``text`` column) the gallery lists the selected points' text. With ``outputs`` (model name, source column) the gallery is a table: a row per selected
    point, its input and then each model's output.
    """
    gallery = Div(
        text='<div class="lw-gallery-count" data-count="0">0 selected'
        " (box or lasso select on the map)</div>",
        width=300,
        name="selection_gallery",
    )
    field = Div(text=_FIELD_HEAD + _FIELD_TAIL, width=300, name="selection_field")
    button = Button(label="Copy selected indices", width=200, name="copy_selection")
    shared = {"source": source, "field": field, "head": _FIELD_HEAD, "tail": _FIELD_TAIL}
    source.selected.js_on_change(
        "indices",
        CustomJS(
            args={
                **shared,
                "gallery": gallery,
                "button": button,
                "thumbs": thumbs,
                "texts": texts,
                "limit": _GALLERY_MAX,
                # names go into the gallery's HTML
                "outputs": [[html.escape(name), column] for name, column in outputs or []],
                "rowLimit": _ROWS_MAX,
                "style": "image-rendering: pixelated;",
            },
            code=_GALLERY_JS,
        ),
    )
    button.js_on_event("button_click", CustomJS(args={**shared, "button": button}, code=_COPY_JS))
    return column(gallery, button, field)


def _previews(items: Any, name: str, renderer: PreviewRenderer) -> list[Preview]:
    if isinstance(items, str) or not hasattr(items, "__len__"):
        raise ValueError(
            f"{name} must be a batch or a sequence of items; got {type(items).__name__}"
        )
    return renderer.render_batch(items)


def _point_previews(thumbs: list[Preview], thumb_size: int, data: dict[str, Any]) -> str:
    """Put the points' previews into ``data``; return the tooltip's HTML that shows them.

    Text goes into ``text`` (the tooltip escapes it), pictures into ``thumb``, ``thumb_w`` and
    ``thumb_h``.
    """
    if thumbs and all(thumb.kind == "text" for thumb in thumbs):
        data["text"] = [thumb.text or "" for thumb in thumbs]
        return f'<div class="lw-tooltip-text" style="{_TEXT_STYLE}">@text</div>'
    data["thumb"] = [_data_uri(thumb, "images", i) for i, thumb in enumerate(thumbs)]
    sizes = [_display_size(thumb, thumb_size) for thumb in thumbs]
    data["thumb_w"] = [width for width, _ in sizes]
    data["thumb_h"] = [height for _, height in sizes]
    return (
        '<img class="lw-thumb" src="@thumb{safe}" width="@thumb_w" height="@thumb_h"'
        f' style="{_PIXELATED}" alt="thumbnail">'
    )


# Decoded text in the tooltip: a line of it, wrapped when long.
_TEXT_STYLE = "font-family: monospace; max-width: 320px; white-space: pre-wrap;"


def _data_uri(preview: Preview, name: str, index: int) -> str:
    if preview.kind != "image":
        raise ValueError(
            f"{name}[{index}] rendered as text ({preview.text!r:.60}) among pictures; the page "
            "shows every item as a picture or every item as text"
        )
    return "data:image/png;base64," + base64.b64encode(preview.to_png()).decode("ascii")


def _display_size(preview: Preview, longest: int) -> tuple[int, int]:
    """Size that shows ``preview`` with its longer side at ``longest`` pixels."""
    scale = longest / max(preview.width, preview.height)
    return max(1, round(preview.width * scale)), max(1, round(preview.height * scale))


def _frame_panel(
    frames: Any,
    slider_title: str,
    renderer: PreviewRenderer,
    rate: int | None,
    budget: int | None,
) -> tuple[Any, int]:
    """Build the frames' view and slider; return it and the bytes of sound it holds.

    Text frames show as a list with the one on show marked (as the widget's ``.lw-frame-texts``);
    sound frames as their pictures, the slider playing the frame on show (within ``budget``).
    """
    texts = renderer.frame_texts(frames)
    count = len(texts) if texts is not None else None
    previews: list[Preview] = []
    if texts is None:
        previews = _previews(frames, "frames", renderer)
        count = len(previews)
    if count is None or count < 2:
        raise ValueError(f"frames must hold at least 2 items for the slider; got {count}")
    if texts is not None:
        items = [html.escape(text) for text in texts]
        head, tail = (
            '<ol class="lw-frame-texts" start="0" style="font-family: monospace;">',
            "</ol>",
        )
        width, code = _FRAME_PX, _TEXT_FRAMES_JS
        view = Div(text=head + _text_items(items, 0) + tail, width=width, name="frame_view")
    else:
        items = [_data_uri(preview, "frames", i) for i, preview in enumerate(previews)]
        # a sound's picture is drawn at its size; small images are scaled up
        shown = max(previews[0].width, previews[0].height) if previews[0].audio else _FRAME_PX
        width, height = _display_size(previews[0], shown)
        head = f'<img class="lw-frame" width="{width}" height="{height}" style="{_PIXELATED}" src="'
        tail, code = '" alt="frame">', "view.text = head + frames[cb_obj.value] + tail;"
        view = Div(text=head + items[0] + tail, width=width, height=height, name="frame_view")
    slider = Slider(
        start=0,
        end=count - 1,
        value=0,
        step=1,
        title=slider_title,
        width=max(width, 200),
        name="frame_slider",
    )
    # The swap happens in the browser: all frames are in the page, no kernel is involved.
    slider.js_on_change(
        "value",
        CustomJS(args={"view": view, "frames": items, "head": head, "tail": tail}, code=code),
    )
    wavs = [preview.audio for preview in previews if preview.audio is not None]
    sounds, spent = frame_uris(wavs, rate, budget) if len(wavs) == count else ([], 0)
    if sounds:
        return column(view, slider, frame_sounds(slider, sounds)), spent
    return column(view, slider), 0


# The frame on show is marked in the list of text frames, as in the widget. The list counts from
# 0, as the slider does.
_CURRENT = (
    '<li class="is-current" aria-current="true" style="font-weight: 600; background: #e0f2fe;">'
)
_TEXT_FRAMES_JS = f"""
view.text = head + frames.map((text, k) => k === cb_obj.value
  ? `{_CURRENT}${{text}}</li>` : `<li>${{text}}</li>`).join("") + tail;
"""


def _text_items(items: list[str], current: int) -> str:
    return "".join(
        f"{_CURRENT}{text}</li>" if k == current else f"<li>{text}</li>"
        for k, text in enumerate(items)
    )
