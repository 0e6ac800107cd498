"""The widgets' colours and style sheet, for JupyterLab's light and dark themes.

Every feedback colour is a text colour on its own background, one pair per theme, so its contrast
does not depend on the page behind it; :func:`contrast` is the WCAG 2 ratio a test holds each pair
to (AA: 4.5:1). JupyterLab marks its theme on ``<body data-jp-theme-light="true|false">``, which the
style sheet keys on.
"""

from __future__ import annotations

#: (text, background) of each feedback status, in the light and in the dark theme.
FEEDBACK = {
    "correct": {"light": ("#00603F", "#E3F5EC"), "dark": ("#8BE3BE", "#0E2A20")},
    "incorrect": {"light": ("#9A3A00", "#FDEBDD"), "dark": ("#FFB68A", "#3A1D0C")},
    "not_attempted": {"light": ("#474747", "#F1F1F1"), "dark": ("#D0D0D0", "#2B2B2B")},
}
#: The chosen answer: white on the course's blue (Okabe-Ito), the same in both themes.
CHOSEN = ("#FFFFFF", "#0072B2")
#: The backgrounds of JupyterLab's two themes (``--jp-layout-color0``), for contrast checks.
PAGE = {"light": "#FFFFFF", "dark": "#111111"}


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
    """The ``<style>`` element every quiz carries: feedback boxes, chosen answers, normal line spacing."""
    chosen_text, chosen_background = CHOSEN
    return f"""<style>
.pmkit-feedback {{padding: 4px 10px; border-left: 4px solid; border-radius: 3px; line-height: 1.4;
  margin: 2px 0 0 0; white-space: normal;}}
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
.pmkit-quiz .widget-toggle-button.mod-active::before {{content: "\\2714\\00a0";}}
.pmkit-quiz .widget-radio, .pmkit-quiz .widget-radio-box {{height: auto; width: auto;}}
</style>"""
