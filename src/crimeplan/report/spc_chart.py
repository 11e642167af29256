"""The Making Data Count variation icons and their wording (the charts' specs and pictures are
made with the results: `crimeplan.results.chart_spec`)."""

from __future__ import annotations

from crimeplan.results import CAUSE_COLOURS

IMPROVEMENT, CONCERN = CAUSE_COLOURS["improvement"], CAUSE_COLOURS["concern"]
COMMON, NEUTRAL = CAUSE_COLOURS["common cause"], CAUSE_COLOURS["neutral"]

ICON_TEXT = {
    "common_cause": "Common cause variation",
    "improvement_high": "Special cause improving variation (high)",
    "improvement_low": "Special cause improving variation (low)",
    "concern_high": "Special cause concerning variation (high)",
    "concern_low": "Special cause concerning variation (low)",
    "neutral_high": "Special cause variation (high)",
    "neutral_low": "Special cause variation (low)",
}
ICON_COLOUR = {"common_cause": COMMON, "improvement_high": IMPROVEMENT, "improvement_low": IMPROVEMENT,
               "concern_high": CONCERN, "concern_low": CONCERN, "neutral_high": NEUTRAL,
               "neutral_low": NEUTRAL}
ICON_LETTER = {"common_cause": "", "improvement_high": "H", "improvement_low": "L", "concern_high": "H",
               "concern_low": "L", "neutral_high": "H", "neutral_low": "L"}


def icon_svg(icon: str, size: int = 28) -> str:
    """A small round icon in the Making Data Count colours with H or L for the direction."""
    colour = ICON_COLOUR[icon]
    letter = ICON_LETTER[icon]
    r = size / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
            f'viewBox="0 0 {size} {size}" role="img" aria-label="{ICON_TEXT[icon]}">'
            f'<title>{ICON_TEXT[icon]}</title>'
            f'<circle cx="{r}" cy="{r}" r="{r - 2}" fill="white" stroke="{colour}" stroke-width="3"/>'
            f'<text x="{r}" y="{r + 5}" text-anchor="middle" font-family="Arial" font-size="{size / 2}" '
            f'font-weight="bold" fill="{colour}">{letter}</text></svg>')
