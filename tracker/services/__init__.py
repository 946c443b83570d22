"""Every write to the task list goes through a function of this package.

Each is keyword-only, type-hinted and atomic; it checks who may act, locks what
it changes, and validates with the model's own rules before PostgreSQL checks
them again, so bad input gets a clear message and changes nothing."""

from .dependencies import (
    dependencies_check,
    dependency_add,
    dependency_remove,
    foresight_refresh,
)
from .evidence import EvidenceSpec, evidence_sweep, evidence_upload
from .forecast import forecast_refresh
from .initiative_indicators import (
    initiative_indicator_create,
    initiative_indicator_reading_record,
)
from .lights import lights_check, lights_refresh, lights_refresh_expired
from .structure import (
    OwnerSpec,
    indicator_create,
    industrial_park_create,
    initiative_create,
    milestone_create,
    park_pair_create,
    task_create,
    task_record_closure,
    work_stream_create,
)
from .tally import tally_check, tally_compact, tally_rebuild
from .updates import (
    ReadingSpec,
    indicator_reading_record,
    indicator_update,
    milestone_update,
    progress_update_post,
    task_owner_update,
    task_update,
)
from .workflow import (
    extension_request_decide,
    light_override_clear,
    light_override_set,
    task_cancel,
    task_claim_completion,
    task_confirm_completion,
    task_reject_completion,
    task_reopen,
    task_request_extension,
    task_resume,
    task_start,
    task_suspend,
)

__all__ = [
    "EvidenceSpec",
    "OwnerSpec",
    "ReadingSpec",
    "dependencies_check",
    "dependency_add",
    "dependency_remove",
    "evidence_sweep",
    "evidence_upload",
    "extension_request_decide",
    "forecast_refresh",
    "foresight_refresh",
    "indicator_create",
    "indicator_reading_record",
    "indicator_update",
    "industrial_park_create",
    "initiative_create",
    "initiative_indicator_create",
    "initiative_indicator_reading_record",
    "light_override_clear",
    "light_override_set",
    "lights_check",
    "lights_refresh",
    "lights_refresh_expired",
    "milestone_create",
    "milestone_update",
    "park_pair_create",
    "progress_update_post",
    "tally_check",
    "tally_compact",
    "tally_rebuild",
    "task_cancel",
    "task_claim_completion",
    "task_confirm_completion",
    "task_create",
    "task_owner_update",
    "task_record_closure",
    "task_reject_completion",
    "task_reopen",
    "task_request_extension",
    "task_resume",
    "task_start",
    "task_suspend",
    "task_update",
    "work_stream_create",
]
