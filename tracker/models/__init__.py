from .evidence import UpdateEvidence
from .indicator import Indicator, IndicatorReading
from .initiative import Initiative, Participation, WorkStream
from .initiative_indicator import InitiativeIndicator, InitiativeIndicatorReading
from .milestone import Milestone
from .park import IndustrialPark, ParkEvaluation, ParkPair
from .progress import ProgressUpdate
from .task import Task, TaskOwner
from .workflow import ClaimDecision, CompletionClaim, ExtensionRequest, LightOverride

__all__ = [
    "ClaimDecision",
    "CompletionClaim",
    "ExtensionRequest",
    "Indicator",
    "IndicatorReading",
    "IndustrialPark",
    "Initiative",
    "InitiativeIndicator",
    "InitiativeIndicatorReading",
    "LightOverride",
    "Milestone",
    "ParkEvaluation",
    "ParkPair",
    "Participation",
    "ProgressUpdate",
    "Task",
    "TaskOwner",
    "UpdateEvidence",
    "WorkStream",
]
