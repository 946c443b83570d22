from .dependency import DependencyAlert, TaskDependency, TaskForecast
from .evidence import UpdateEvidence
from .export import ExportJob
from .indicator import Indicator, IndicatorReading
from .initiative import Initiative, Participation, WorkStream
from .initiative_indicator import InitiativeIndicator, InitiativeIndicatorReading
from .light import MilestoneLight, TaskLight
from .milestone import Milestone
from .park import IndustrialPark, ParkPair, ParkPairMember
from .progress import ProgressUpdate
from .tally import TaskLightTally, TaskTally
from .task import Task, TaskOwner
from .workflow import ClaimDecision, CompletionClaim, ExtensionRequest, LightOverride

__all__ = [
    "ClaimDecision",
    "CompletionClaim",
    "DependencyAlert",
    "ExportJob",
    "ExtensionRequest",
    "Indicator",
    "IndicatorReading",
    "IndustrialPark",
    "Initiative",
    "InitiativeIndicator",
    "InitiativeIndicatorReading",
    "LightOverride",
    "Milestone",
    "MilestoneLight",
    "ParkPair",
    "ParkPairMember",
    "Participation",
    "ProgressUpdate",
    "Task",
    "TaskDependency",
    "TaskForecast",
    "TaskLight",
    "TaskLightTally",
    "TaskOwner",
    "TaskTally",
    "UpdateEvidence",
    "WorkStream",
]
