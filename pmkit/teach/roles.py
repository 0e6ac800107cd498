"""The facts of the two source articles about APMs and JPMs, as validated pandas DataFrames.

Every function reads one file of ``datasets/roles/`` through :func:`pmkit.tables.load`, so a
missing, truncated or malformed file raises :class:`~pmkit.errors.DataError` naming the file,
line and column. Column meanings are documented in ``datasets/README.md``. Each call returns a
fresh copy: a learner who edits a frame cannot change what the next cell sees.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pmkit.errors import DataError
from pmkit.paths import datasets_dir
from pmkit.tables import Column, Schema, choices, load_named

if TYPE_CHECKING:
    import pandas as pd

SOURCES = choices(["000_90597afea951d368.txt", "004_dbf6c9ef40c4bc2e.txt"])
ROLES = ("APM", "JPM")
ROLE_NAMES = {"APM": "Associate Product Manager", "JPM": "Junior Product Manager"}
TOPICS = ("responsibilities", "decision_making", "financial_career", "daily", "influence")
LISTS = ("responsibilities", "decisions", "day", "influence", "program_benefits",
         "program_features", "program_companies", "transitions_from", "owns")
TRACKS = ("apm_ladder", "jpm_ladder", "alternative", "management", "ic", "entry", "retitle")
#: Which kinds of move may follow which on one route: a route keeps to the ladder it is on, so an
#: APM-ladder step is never chained onto a JPM route (the articles describe two separate ladders).
FOLLOWS = {"apm_ladder": ("apm_ladder",), "jpm_ladder": ("jpm_ladder",), "retitle": (),
           "entry": ("jpm_ladder", "alternative", "management", "ic", "retitle"),
           "alternative": (), "management": (), "ic": ()}
#: How the career explorer names each kind of move.
TRACK_LABELS = {"start": "Start", "apm_ladder": "APM ladder", "jpm_ladder": "JPM ladder",
                "alternative": "Alternative path", "management": "Management",
                "ic": "Individual contributor", "entry": "Way in", "retitle": "Retitle, case study 3"}

#: Profile attributes as a learner reads them (``decision_focus`` is "Decides mostly").
ATTRIBUTE_LABELS = {
    "level": "Who they are", "purpose": "What the role is for", "large_company_setting": "At a large tech company",
    "small_company_setting": "At a startup or mid-size company", "where_found": "Where the title appears",
    "good_fit_for": "A good fit for", "defining_traits": "What defines the role", "learning_style": "How they learn",
    "scope_growth": "How the scope grows", "team_value": "What they bring the team",
    "decision_oversight": "Who checks their decisions", "decision_focus": "Decides mostly",
    "compensation_notes": "Beyond the base salary", "promotion": "Promotion", "day_summary": "Their day",
    "influence_summary": "Where their visibility comes from", "philosophy": "Philosophy", "path_style": "Path",
    "archetype": "Archetype", "verbs": "Expected to", "ic_growth": "Growing without managing people",
}
#: The second article's JPM functions in the order its text walks through a JPM's work.
FUNCTION_HEADINGS = {
    "day_depends_on": "What the day depends on", "work_involves": "What the work involves",
    "customer_research": "Customer research", "collaboration": "Working with design and engineering",
    "feedback_culture": "Feedback throughout, not requirements handed down",
    "review": "Reviews with senior product people", "review_questions": "The three review questions",
    "analysis": "Analysing data after launch", "user_stories": "User stories and estimation meetings",
}

_SOURCE = Column("source", choices=SOURCES)
_ROLE = Column("role", choices=choices(ROLES))
_POSITION = Column("position", "int")


def _low_below_high(row: dict[str, Any]) -> str | None:
    if row["low"] >= row["high"]:
        return f"low ({row['low']}) must be below high ({row['high']})"
    return None


def _career_edge_ok(row: dict[str, Any]) -> str | None:
    if row["from_role"] == row["to_role"]:
        return f"an edge from {row['from_role']!r} to itself"
    low, high = row["months_min"], row["months_max"]
    if (low is None) != (high is None):
        return "give both months_min and months_max, or neither"
    if low is not None and not 0 < low <= high:
        return f"months_min ({low}) must be positive and at most months_max ({high})"
    return None


def _apm_differs_from_jpm(row: dict[str, Any]) -> str | None:
    if row["apm"] == row["jpm"]:
        return f"the APM and JPM values are the same ({row['apm']!r}); a comparison needs two"
    return None


SCHEMAS: dict[str, Schema] = {s.filename.removesuffix(".csv"): s for s in [
    Schema("comparison_topics.csv", (
        Column("topic", choices=choices(TOPICS)), _POSITION, Column("title"), Column("compares"),
        _SOURCE), key=("topic",), min_rows=len(TOPICS)),
    Schema("comparisons.csv", (
        Column("topic", choices=choices(TOPICS)), _POSITION, Column("aspect"), Column("apm"),
        Column("jpm"), _SOURCE), key=("topic", "aspect"), row_check=_apm_differs_from_jpm,
        min_rows=28),
    Schema("role_items.csv", (
        Column("list", choices=choices(LISTS)), _ROLE, _POSITION, Column("item"), _SOURCE),
        key=("list", "role", "position")),
    Schema("profiles.csv", (
        Column("role", choices=choices((*ROLES, "BOTH"))), Column("attribute"), Column("value"),
        _SOURCE), key=("role", "attribute")),
    Schema("salaries.csv", (
        _ROLE, Column("country"), Column("currency", choices=choices(["USD"])),
        Column("low", "int"), Column("high", "int"), _SOURCE), key=("role", "country"),
        row_check=_low_below_high, min_rows=2),
    Schema("salary_drivers.csv", (_ROLE, Column("driver"), Column("effect"), _SOURCE),
           key=("role", "driver")),
    Schema("career_paths.csv", (
        Column("from_role"), Column("to_role"), Column("track", choices=choices(TRACKS)),
        Column("months_min", "int", required=False), Column("months_max", "int", required=False),
        Column("people_management", "bool"), Column("note"), _SOURCE),
        key=("from_role", "to_role", "track"), row_check=_career_edge_ok),
    Schema("case_studies.csv", (
        Column("case", "int"), Column("title"), Column("role_at_start", choices=choices(ROLES)),
        Column("role_at_end", choices=choices((*ROLES, "PM"))), Column("company"),
        Column("assignment"), Column("outcome"), Column("metric"),
        Column("metric_change_pct", "float", required=False), _SOURCE), key=("case",), min_rows=3),
    Schema("case_study_steps.csv", (
        Column("case", "int"), _POSITION,
        Column("phase", choices=choices(["setting", "finding", "action", "outcome"])),
        Column("text"), _SOURCE), key=("case", "position")),
    Schema("jpm_functions.csv", (Column("function"), _POSITION, Column("item"), _SOURCE),
           key=("function", "position")),
    Schema("interview_flow.csv", (Column("step", "int"), Column("actor"), Column("action"), _SOURCE),
           key=("step",)),
    Schema("getting_started.csv", (
        Column("category", choices=choices(["principle", "route", "education", "community"])),
        _POSITION, Column("item"), Column("advice"), _SOURCE), key=("category", "position")),
]}


@lru_cache(maxsize=64)
def _cached(name: str, folder: Path, stamp: tuple[int, int] | None) -> pd.DataFrame:
    return load_named(SCHEMAS, name, folder)


def table(name: str) -> pd.DataFrame:
    """The validated contents of ``datasets/roles/<name>.csv`` (a fresh copy on every call).

    Parsed files are cached, keyed by the file's modification time and size, so an edited file
    is read again.
    """
    folder = datasets_dir() / "roles"
    try:
        info = (folder / SCHEMAS[name].filename).stat()
        stamp = (info.st_mtime_ns, info.st_size)
    except (KeyError, OSError):
        stamp = None  # load_named() reports the unknown name or the missing file
    return _cached(name, folder, stamp).copy()


def all_tables() -> dict[str, pd.DataFrame]:
    """Every role table by name: validates the whole data set in one call."""
    return {name: table(name) for name in SCHEMAS}


def _role_arg(role: str | None, allowed: tuple[str, ...] = ROLES) -> str | None:
    if role is None:
        return None
    upper = role.strip().upper()
    if upper not in allowed:
        raise ValueError(f"role must be one of {', '.join(allowed)} (or None for all); got {role!r}")
    return upper


def _by_role(frame: pd.DataFrame, role: str | None, allowed: tuple[str, ...] = ROLES) -> pd.DataFrame:
    role = _role_arg(role, allowed)
    if role is not None:
        frame = frame[frame["role"] == role]
    return frame.reset_index(drop=True)


def topics() -> pd.DataFrame:
    """The five comparison tables: ``topic``, ``position``, ``title``, ``compares``, ``source``."""
    return table("comparison_topics").sort_values("position").reset_index(drop=True)


def comparison(topic: str | None = None) -> pd.DataFrame:
    """Aspect-by-aspect APM vs JPM rows: ``topic``, ``title``, ``position``, ``aspect``, ``apm``, ``jpm``, ``source``.

    ``topic`` is one of responsibilities, decision_making, financial_career, daily, influence;
    None returns all five tables, in the articles' order.
    """
    if topic is not None and topic not in TOPICS:
        raise ValueError(f"topic must be one of {', '.join(TOPICS)} (or None); got {topic!r}")
    rows = table("comparisons")
    titles = topics()
    unknown = set(rows["topic"]) - set(titles["topic"])
    if unknown:
        raise DataError(datasets_dir() / "roles" / "comparison_topics.csv",
                        f"no title for topic(s) {', '.join(sorted(unknown))} used in comparisons.csv")
    order = {t: i for i, t in enumerate(titles["topic"])}
    rows = rows.merge(titles[["topic", "title"]], on="topic")
    rows = rows.sort_values(["topic", "position"], key=lambda s: s.map(order) if s.name == "topic" else s)
    if topic is not None:
        rows = rows[rows["topic"] == topic]
    columns = ["topic", "title", "position", "aspect", "apm", "jpm", "source"]
    return rows[columns].reset_index(drop=True)


def items(list_name: str, role: str | None = None) -> pd.DataFrame:
    """One itemised list of the articles (see ``LISTS``): ``list``, ``role``, ``position``, ``item``, ``source``."""
    if list_name not in LISTS:
        raise ValueError(f"list must be one of {', '.join(LISTS)}; got {list_name!r}")
    frame = table("role_items")
    frame = frame[frame["list"] == list_name].sort_values(["role", "position"])
    return _by_role(frame, role)


def responsibilities(role: str | None = None) -> pd.DataFrame:
    """Each role's typical responsibilities (8 each): ``list``, ``role``, ``position``, ``item``, ``source``."""
    return items("responsibilities", role)


def decisions(role: str | None = None) -> pd.DataFrame:
    """Example decisions each role makes (4 each), same columns as :func:`items`."""
    return items("decisions", role)


def day_in_the_life(role: str | None = None) -> pd.DataFrame:
    """What each role might do in a day (6 each), same columns as :func:`items`."""
    return items("day", role)


def influence(role: str | None = None) -> pd.DataFrame:
    """How each role gains influence (4 each), same columns as :func:`items`."""
    return items("influence", role)


def profile(role: str | None = None) -> pd.DataFrame:
    """Descriptive attributes of each role: ``role`` (APM, JPM or BOTH), ``attribute``, ``value``, ``source``."""
    return _by_role(table("profiles"), role, (*ROLES, "BOTH"))


def describe(role: str, attribute: str) -> str:
    """One profile value, e.g. ``describe("APM", "decision_focus")`` is ``"What gets built"``."""
    frame = profile(role)
    match = frame[frame["attribute"] == attribute]
    if match.empty:
        known = ", ".join(sorted(frame["attribute"]))
        raise KeyError(f"no attribute {attribute!r} for {role}; known: {known}")
    return str(match["value"].iloc[0])


def label(attribute: str) -> str:
    """A profile attribute as a learner reads it: ``decision_focus`` is "Decides mostly"."""
    return ATTRIBUTE_LABELS.get(attribute, attribute.replace("_", " ").capitalize())


def traits(role: str | None, attributes: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """Chosen profile attributes of one role (None: the APM's, then the JPM's), with a readable ``trait``.

    Columns: ``role``, ``attribute``, ``trait``, ``value``, ``source``; rows in the order given.
    """
    import pandas as pd

    frames = []
    for one in ROLES if role is None else (role,):
        frame = profile(one).set_index("attribute")
        missing = [a for a in attributes if a not in frame.index]
        if missing:
            raise KeyError(f"no profile attribute(s) {', '.join(missing)} for {one}")
        frames.append(frame.loc[list(attributes)].reset_index())
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(2, "trait", frame["attribute"].map(label))
    return frame[["role", "attribute", "trait", "value", "source"]]


def salaries() -> pd.DataFrame:
    """Salary ranges per role.

    Columns: ``role``, ``role_name``, ``country``, ``currency``, ``low``, ``high``, ``midpoint``, ``source``.
    """
    frame = table("salaries")
    frame.insert(1, "role_name", frame["role"].map(ROLE_NAMES).astype("string"))
    frame.insert(6, "midpoint", (frame["low"] + frame["high"]) / 2)
    return frame.sort_values("role").reset_index(drop=True)


def pay_range(role: str) -> str:
    """A role's yearly range in words, with where it applies: "$70,000–$110,000 (United States)"."""
    row = salaries().set_index("role").loc[_role_arg(role)]
    country = "no country stated" if row["country"] == "Not stated" else row["country"]
    return f"${row['low']:,}\u2013${row['high']:,} ({country})"


def salary_drivers(role: str | None = None) -> pd.DataFrame:
    """What moves pay within or beyond the range: ``role``, ``driver``, ``effect``, ``source``."""
    return _by_role(table("salary_drivers"), role)


def career_paths(track: str | None = None) -> pd.DataFrame:
    """Career moves as graph edges.

    Columns: ``from_role``, ``to_role``, ``track`` (apm_ladder, jpm_ladder, alternative,
    management, ic, entry), ``months_min``/``months_max`` (typical timing where given, else <NA>),
    ``people_management`` (the destination means managing people), ``note``, ``source``.
    """
    frame = table("career_paths")
    if track is not None:
        if track not in TRACKS:
            raise ValueError(f"track must be one of {', '.join(TRACKS)}; got {track!r}")
        frame = frame[frame["track"] == track]
    return frame.reset_index(drop=True)


def case_studies() -> pd.DataFrame:
    """The three case studies, one row each.

    Columns: ``case``, ``title``, ``role_at_start``, ``role_at_end``, ``company``, ``assignment``,
    ``outcome``, ``metric``, ``metric_change_pct``, ``source``.
    """
    return table("case_studies").sort_values("case").reset_index(drop=True)


def case_study_steps(case: int | None = None) -> pd.DataFrame:
    """Setting, findings, actions and outcomes of each case.

    Columns: ``case``, ``position``, ``phase``, ``text``, ``source``.
    """
    frame = table("case_study_steps").sort_values(["case", "position"])
    if case is not None:
        frame = frame[frame["case"] == case]
    return frame.reset_index(drop=True)


def jpm_functions(function: str | None = None) -> pd.DataFrame:
    """The second article's day-to-day functions of a JPM: ``function``, ``position``, ``item``, ``source``."""
    frame = table("jpm_functions").sort_values(["function", "position"])
    if function is not None:
        known = set(frame["function"])
        if function not in known:
            raise ValueError(f"function must be one of {', '.join(sorted(known))}; got {function!r}")
        frame = frame[frame["function"] == function]
    return frame.reset_index(drop=True)


def interview_flow() -> pd.DataFrame:
    """How customer pain points flow from a senior leader's request to action items.

    Columns: ``step``, ``actor``, ``action``, ``source``.
    """
    return table("interview_flow").sort_values("step").reset_index(drop=True)


def getting_started(category: str | None = None) -> pd.DataFrame:
    """Routes into a JPM job, education and community: ``category``, ``position``, ``item``, ``advice``, ``source``."""
    frame = table("getting_started")
    if category is not None:
        frame = frame[frame["category"] == category]
    return frame.sort_values(["category", "position"]).reset_index(drop=True)


def side_by_side(topic: str) -> pd.DataFrame:
    """One comparison table as a reader sees it: aspects as the index, one column per role."""
    frame = comparison(topic)
    return frame.set_index("aspect")[["apm", "jpm"]].rename(
        columns={"apm": ROLE_NAMES["APM"], "jpm": ROLE_NAMES["JPM"]}).rename_axis("Aspect")


def at_a_glance(attributes: tuple[str, ...] = ("level", "purpose", "learning_style",
                                               "decision_focus", "philosophy", "archetype")
                ) -> pd.DataFrame:
    """Chosen profile attributes of both roles, one row per attribute, one column per role."""
    frame = profile()
    frame = frame[frame["role"].isin(ROLES) & frame["attribute"].isin(attributes)]
    missing = set(attributes) - set(frame["attribute"])
    if missing:
        raise KeyError(f"no profile attribute(s) {', '.join(sorted(missing))} for both roles")
    table_ = frame.pivot(index="attribute", columns="role", values="value").reindex(list(attributes))
    table_.index = [label(a) for a in table_.index]
    return table_.rename(columns=ROLE_NAMES).rename_axis(index="Trait", columns=None)


def next_moves(role: str) -> pd.DataFrame:
    """The career moves that start at ``role`` (same columns as :func:`career_paths`)."""
    frame = career_paths()
    known = set(frame["from_role"]) | set(frame["to_role"])
    if role not in known:
        raise ValueError(f"no role named {role!r} in the career paths; known: {', '.join(sorted(known))}")
    moves = frame[frame["from_role"] == role].drop_duplicates(["from_role", "to_role"])
    return moves.reset_index(drop=True)


def starting_roles() -> list[str]:
    """Roles with at least one onward move, the learner-facing start of the career explorer."""
    frame = career_paths()
    order = ["Associate Product Manager", "Junior Product Manager"]
    rest = sorted(set(frame["from_role"]) - set(order))
    return order + rest


def paths_from(role: str, max_steps: int = 4) -> list[list[dict[str, Any]]]:
    """Every route of onward moves from ``role``, each a list of edge dicts, longest first per branch.

    A route keeps to the ladder it is on (see ``FOLLOWS``) and ends where no move leads on, at
    ``max_steps`` moves, or before revisiting a role.
    """
    next_moves(role)  # a clear error for an unknown role
    edges = career_paths().to_dict("records")
    routes: list[list[dict[str, Any]]] = []

    def walk(current: str, route: list[dict[str, Any]], seen: set[str]) -> None:
        allowed = FOLLOWS[route[-1]["track"]] if route else TRACKS
        moves = [m for m in edges if m["from_role"] == current and m["track"] in allowed
                 and m["to_role"] not in seen]
        if not route:  # the same first move on two ladders is one move
            moves = list({m["to_role"]: m for m in reversed(moves)}.values())[::-1]
        if not moves or len(route) == max_steps:
            if route:
                routes.append(route)
            return
        for move in moves:
            walk(move["to_role"], [*route, move], seen | {move["to_role"]})

    walk(role, [], {role})
    return routes


def move_text(edge: dict[str, Any]) -> str:
    """One career move in words: "Associate Product Manager → Product Manager: 12–18 months; <note>"."""
    note = str(edge["note"])
    first = note.split()[0] if note.split() else ""
    if first == "A" or not first.isupper():  # "A related area", "Less standardised", not "QA" or "SVP"
        note = note[:1].lower() + note[1:]
    detail = ([] if timing(edge) == "timing not given" else [timing(edge)]) + [note]
    return f"{edge['from_role']} \u2192 {edge['to_role']}: " + "; ".join(detail)


#: Tracks whose moves name a destination the second article says a JPM may reach, not a single promotion.
DESTINATION_TRACKS = ("management", "ic")


def timing(edge: dict[str, Any]) -> str:
    """An edge's typical timing in words: "12–18 months", that the articles give none, or that steps are not given.

    The second article names the management and product-lead roles a JPM may move into, but not the steps or
    time between, so those edges read "steps and timing not given" rather than as one promotion.
    """
    low, high = edge.get("months_min"), edge.get("months_max")
    if low is None or high is None or low != low or high != high:  # <NA> and NaN
        if edge.get("track") in DESTINATION_TRACKS:
            return "steps and timing not given"
        return "timing not given"
    return f"{low}–{high} months" if low != high else f"{low} months"


def route_summary(route: list[dict[str, Any]]) -> str:
    """One route in words: each move with its kind and timing, and whether an article says it ends managing people."""
    if not route:
        raise ValueError("a route needs at least one move")
    parts = [route[0]["from_role"]]
    for edge in route:
        detail = TRACK_LABELS[edge["track"]]
        if timing(edge) != "timing not given":
            detail += f", {timing(edge)}"
        parts.append(f"{edge['to_role']} ({detail})")
    manages = any(bool(edge["people_management"]) for edge in route)
    ending = (" \u2014 an article says this adds managing people" if manages
              else " \u2014 neither article says this adds managing people")
    return " \u2192 ".join(parts) + ending


def same_work_two_titles() -> str:
    """Chapter 07's side by side, as Markdown: research and analysis on the APM's list, and a JPM doing both."""
    apm = responsibilities("APM").set_index("position")["item"]
    jpm = jpm_functions().set_index(["function", "position"])["item"]
    first = [apm[1], apm[7]]
    second = [jpm["customer_research", 1], jpm["customer_research", 2], jpm["analysis", 1]]
    return ("**The first article, on the APM's list:**\n\n" + "".join(f"- {i}\n" for i in first)
            + "\n**The second article, on the JPM's work:**\n\n" + "".join(f"- {i}\n" for i in second)
            + f"\n**The first article on titles:** {describe('BOTH', 'titles')}.")


def career_moves() -> pd.DataFrame:
    """Every career move with a ``move`` column in words (:func:`move_text`), for chapter 09's grouped list."""
    frame = career_paths()
    frame["move"] = [move_text(edge) for edge in frame.to_dict("records")]
    return frame
