from .evidence import UpdateEvidence
from .indicator import Indicator, IndicatorReading
from .initiative import Initiative, Participation, WorkStream
from .milestone import Milestone
from .park import IndustrialPark, ParkPair, ParkPairMember
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
    "LightOverride",
    "Milestone",
    "ParkPair",
    "ParkPairMember",
    "Participation",
    "ProgressUpdate",
    "Task",
    "TaskOwner",
    "UpdateEvidence",
    "WorkStream",
]
