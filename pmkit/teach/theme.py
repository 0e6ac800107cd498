"""The widgets' colours and style sheet, for JupyterLab's light and dark themes.

Every feedback colour is a text colour on its own background, one pair per theme, so its contrast
does not depend on the page behind it; :func:`contrast` is the WCAG 2 ratio a test holds each pair
to (AA: 4.5:1). JupyterLab marks its theme on ``<body data-jp-theme-light="true|false">``, which the
style sheet keys on.
"""

from __future__ import annotations

import html

#: (text, background) of each feedback status, in the light and in the dark theme.
FEEDBACK = {
    "correct": {"light": ("#00603F", "#E3F5EC"), "dark": ("#8BE3BE", "#0E2A20")},
    "incorrect": {"light": ("#9A3A00", "#FDEBDD"), "dark": ("#FFB68A", "#3A1D0C")},
    "partial": {"light": ("#5A3E8E", "#EFE9F8"), "dark": ("#CDB8F2", "#251A38")},
    "not_attempted": {"light": ("#474747", "#F1F1F1"), "dark": ("#D0D0D0", "#2B2B2B")},
}
#: The symbol and the word of each status: a learner never has to tell the statuses apart by colour.
MARKS = {"correct": ("\u2714", "Correct"), "incorrect": ("\u2718", "Not yet"),
         "partial": ("\u25D1", "Partly right"), "not_attempted": ("\u2026", "Not answered yet")}
#: Status names as callers write them ("not attempted" and "not_attempted" are one status).
_ALIASES = {"not attempted": "not_attempted", "not-attempted": "not_attempted"}
#: A dollar sign that no maths renderer pairs into a formula (see :data:`pmkit.teach.display.DOLLAR`).
DOLLAR = "<span class=\"pmkit-dollar\">&#36;</span>"
#: About 80 characters a line: prose wider than that is hard to read (pmkit's own outputs stop there).
READING_WIDTH = "42em"
#: The chosen answer: white on the course's blue (Okabe-Ito), the same in both themes.
CHOSEN = ("#FFFFFF", "#0072B2")
#: The backgrounds of JupyterLab's two themes (``--jp-layout-color0``), for contrast checks.
PAGE = {"light": "#FFFFFF", "dark": "#111111"}


def status_of(status: str) -> str:
    """The status as the style sheet names it: "not attempted" is ``not_attempted``; unknown names raise."""
    key = _ALIASES.get(status, status)
    if key not in MARKS:
        raise ValueError(f"unknown feedback status {status!r}; use one of {', '.join(MARKS)}")
    return key


def _strip_mark(message: str) -> str:
    """The message without a status symbol of its own at the start (the box shows the symbol)."""
    for symbol, _ in MARKS.values():
        if message.startswith(symbol):
            return message[len(symbol):].lstrip()
    return message


def feedback_box(status: str, message: str, title: str | None = None) -> str:
    """The one look of feedback (quizzes, tries, exercise checks): a symbol, a word, then the message.

    ``title`` is the word in bold ("Correct", "Not yet", ...); None uses the status's own word, and
    ``""`` leaves it out for a message that already starts with one ("Correct: ..."). The message is
    text: it is escaped, its dollar signs are kept from the maths renderer, and it wraps between
    words only (line breaks in it are kept). Colours come from :func:`style_sheet`.
    """
    key = status_of(status)
    symbol, word = MARKS[key]
    title = word if title is None else title
    text = html.escape(_strip_mark(message), quote=False).replace("$", DOLLAR)
    heading = f"<b>{html.escape(title)}</b> \u2014 " if title else ""
    return (f'<div class="pmkit-feedback pmkit-{key}" role="status"><span class="pmkit-mark" aria-hidden="true">'
            f"{symbol}</span> {heading}{text}</div>")


def luminance(colour: str) -> float:
    """Relative luminance of a ``#RRGGBB`` colour, as WCAG 2 defines it."""
    channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two ``#RRGGBB`` colours, from 1 to 21."""
    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _feedback_rules() -> str:
    rules = []
    for status, themes in FEEDBACK.items():
        for theme, (text, background) in themes.items():
            scope = '[data-jp-theme-light="false"] ' if theme == "dark" else ""
            rules.append(f"{scope}.pmkit-feedback.pmkit-{status} {{color: {text}; background: {background};"
                         f" border-left-color: {text};}}")
    return "\n".join(rules)


def style_sheet() -> str:
    """The ``<style>`` element every quiz and check carries: feedback boxes, chosen answers, line spacing.

    A chosen toggle button says whether the choice was right (the quiz adds ``pmkit-chose-correct`` or
    ``pmkit-chose-incorrect`` to its buttons): a wrong choice is never marked with a tick.
    """
    chosen_text, chosen_background = CHOSEN
    return f"""<style>
.pmkit-feedback {{padding: 4px 10px; border-left: 4px solid; border-radius: 3px; line-height: 1.4;
  margin: 2px 0 0 0; white-space: pre-line; word-break: normal; overflow-wrap: break-word; hyphens: none;
  max-width: {READING_WIDTH};}}
.pmkit-feedback .pmkit-mark {{font-weight: bold;}}
{_feedback_rules()}
.pmkit-quiz .widget-html-content, .pmkit-quiz .widget-html {{line-height: 1.4; height: auto;}}
.pmkit-quiz .widget-html-content p {{margin: 2px 0;}}
.pmkit-quiz .widget-radio-box label {{line-height: 1.4; white-space: normal; padding: 3px 6px;
  border-radius: 3px; align-items: flex-start; height: auto;}}
.pmkit-quiz .widget-radio-box label input {{margin-top: 3px;}}
.pmkit-quiz .widget-radio-box label:has(input:checked) {{color: {chosen_text};
  background: {chosen_background}; font-weight: bold;}}
.pmkit-quiz .widget-toggle-button.mod-active {{color: {chosen_text}; background: {chosen_background};
  font-weight: bold; box-shadow: none;}}
.pmkit-quiz .pmkit-chose-correct .widget-toggle-button.mod-active::before {{content: "\\2714\\00a0";}}
.pmkit-quiz .pmkit-chose-incorrect .widget-toggle-button.mod-active::before {{content: "\\2718\\00a0";}}
.pmkit-quiz .widget-radio, .pmkit-quiz .widget-radio-box {{height: auto; width: auto;}}
</style>"""
