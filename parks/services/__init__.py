"""Every write to park evaluation cycles (see parks.workflow for the steps)."""

from .assessments import (  # noqa: F401
    assessment_adjust,
    assessment_agree,
    assessment_query,
    assessment_score,
    assessment_submit,
    cycle_publish,
)
from .cycles import cycle_assessments_create, cycle_create, indicator_add  # noqa: F401
