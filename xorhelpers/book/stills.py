"""A widget view as a still: the saved widget state of a notebook rendered as static HTML.

A notebook executed by nbclient keeps every widget's last state in its metadata, images
included (an ``Image`` widget's bytes are a base64 buffer). ``still`` turns the view of one
output into plain HTML: images as images, text and status lines as text, each control as its
label and value, boxes as rows and columns. Where the state holds no view, ``still`` returns a
placeholder that says so. Used by ``xorhelpers.book`` for the static site.
"""

from __future__ import annotations

from html import escape

STATE_KEY = "application/vnd.jupyter.widget-state+json"
CAPTION = ("A still of the live widget as the notebook last saved it. Open the notebook in "
           "JupyterLab (<code>python3 dev.py lab</code>) to use the controls.")
PLACEHOLDER = ("<div class=\"book-widget book-widget-missing\">Interactive widget: no saved "
               "view. Open the notebook in JupyterLab (<code>python3 dev.py lab</code>) and run "
               "it to see it.</div>")
_BOXES = {"VBoxModel": "column", "HBoxModel": "row", "BoxModel": "column",
          "GridBoxModel": "row"}
_VALUED = ("IntSliderModel", "FloatSliderModel", "FloatLogSliderModel", "BoundedIntTextModel",
           "BoundedFloatTextModel", "IntTextModel", "FloatTextModel", "CheckboxModel",
           "TextModel", "IntRangeSliderModel", "FloatRangeSliderModel", "PlayModel")
_CHOICES = ("DropdownModel", "ToggleButtonsModel", "RadioButtonsModel", "SelectModel",
            "SelectionSliderModel")


def widget_state(nb) -> dict:
    """Model id -> {"model_name", "state", "buffers"} from a notebook's saved widget state."""
    return nb.get("metadata", {}).get("widgets", {}).get(STATE_KEY, {}).get("state", {})


def _ref(value) -> str | None:
    if isinstance(value, str) and value.startswith("IPY_MODEL_"):
        return value.removeprefix("IPY_MODEL_")
    return None


def _hidden(models: dict, state: dict) -> bool:
    layout = models.get(_ref(state.get("layout")) or "", {}).get("state", {})
    return layout.get("display") == "none" or layout.get("visibility") == "hidden"


def _image(model: dict) -> str:
    state = model["state"]
    data = next((b.get("data") for b in model.get("buffers", []) if b.get("path") == ["value"]
                 and b.get("encoding") == "base64"), None)
    if not data or len(data) < 200:  # no picture (a blank placeholder of a few bytes)
        return ""
    kind = escape(str(state.get("format", "png")))
    return f'<img class="book-widget-image" alt="figure" src="data:image/{kind};base64,{data}">'


def _control(name: str, state: dict) -> str:
    label = escape(str(state.get("description") or ""))
    if name in _CHOICES:
        labels, index = state.get("_options_labels") or [], state.get("index")
        value = labels[index] if isinstance(index, int) and 0 <= index < len(labels) else "-"
    elif name in _VALUED:
        value = state.get("value")
    elif name == "ButtonModel":
        return f'<span class="book-widget-button">{label}</span>'
    else:
        value = state.get("value", "")
    shown = f"<b>{label}</b> " if label else ""
    return f'<span class="book-widget-control">{shown}{escape(str(value))}</span>'


def _render(models: dict, model_id: str, depth: int = 0) -> str:
    model = models.get(model_id)
    if model is None or depth > 30:
        return ""
    name, state = model.get("model_name", ""), model.get("state", {})
    if _hidden(models, state):
        return ""
    if name in _BOXES or name in ("AccordionModel", "TabModel"):
        parts = [_render(models, _ref(c) or "", depth + 1) for c in state.get("children", [])]
        inner = "".join(p for p in parts if p)
        if name in ("AccordionModel", "TabModel"):
            title = escape(" / ".join(t for t in state.get("titles") or [] if t) or "more")
            return f"<details><summary>{title}</summary>{inner}</details>"
        return f'<div class="book-widget-{_BOXES[name]}">{inner}</div>' if inner else ""
    if name == "ImageModel":
        return _image(model)
    if name in ("HTMLModel", "HTMLMathModel", "LabelModel"):
        value = state.get("value") or ""
        text = value if name != "LabelModel" else escape(value)
        return f'<div class="book-widget-text">{text}</div>' if value else ""
    if name == "TextareaModel":
        label = escape(str(state.get("description") or ""))
        return (f'<div class="book-widget-code"><b>{label}</b>'
                f'<pre>{escape(str(state.get("value") or ""))}</pre></div>')
    if name == "OutputModel":
        return "".join(f'<img class="book-widget-image" alt="figure" src="data:image/png;base64,'
                       f'{o["data"]["image/png"]}">' for o in state.get("outputs", [])
                       if "image/png" in o.get("data", {}))
    return _control(name, state)


def still(nb, model_id: str) -> str:
    """The saved view of widget ``model_id`` in notebook ``nb`` as static HTML, or a placeholder
    when the notebook holds no state for it."""
    if not isinstance(model_id, str) or not model_id:
        raise ValueError(f"model_id must be a non-empty string, got {model_id!r}")
    models = widget_state(nb)
    body = _render(models, model_id) if model_id in models else ""
    if not body:
        return PLACEHOLDER
    return (f'<div class="book-widget"><p class="book-widget-caption">{CAPTION}</p>'
            f"{body}</div>")
