"""share_meeting: a proportion read as the share meeting a standard (e.g. attended within 15 minutes)."""

from __future__ import annotations

import dataclasses

from crimeplan.kinds._proportion import KIND as PROPORTION

KIND = dataclasses.replace(
    PROPORTION, name="share_meeting", summary="as proportion, read as the share meeting a standard",
    numerator_word="Meeting",
)
