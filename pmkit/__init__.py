"""pmkit: role data, artifact checkers, charts, widgets and grading tools for the APM vs JPM course.

Importing the package is deliberately cheap: pandas, altair and ipywidgets load only in the
submodules that need them (``pmkit.roles``, ``pmkit.charts``, ``pmkit.widgets``).
"""

from pmkit.errors import DataError, PmkitError

__all__ = ["DataError", "PmkitError", "__version__"]
__version__ = "0.1.0"
