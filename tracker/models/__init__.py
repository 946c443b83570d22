from .indicator import Indicator, IndicatorReading
from .initiative import Initiative, Participation, WorkStream
from .milestone import Milestone
from .park import IndustrialPark, ParkEvaluation, ParkPair
from .progress import ProgressUpdate
from .task import Task, TaskOwner

__all__ = [
    "Indicator",
    "IndicatorReading",
    "IndustrialPark",
    "Initiative",
    "Milestone",
    "ParkEvaluation",
    "ParkPair",
    "Participation",
    "ProgressUpdate",
    "Task",
    "TaskOwner",
    "WorkStream",
]
