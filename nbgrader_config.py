"""nbgrader configuration: the repository root is the course directory.

Sources (solutions and hidden tests) live in solutions/<id>/<id>.ipynb; `make exercises` runs
`nbgrader generate_assignment --no-db` to write the student versions to exercises/<id>/<id>.ipynb.
The settings come from pmkit.grading.engine.apply_course_settings, which builds the same settings for
temporary grading folders.
"""

from pmkit.grading.engine import apply_course_settings

c = get_config()  # noqa: F821 - provided by nbgrader when it loads this file
apply_course_settings(c)
