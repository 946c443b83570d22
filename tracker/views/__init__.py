from .dashboards import home

__all__ = ["home"]
