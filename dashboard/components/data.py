"""The one place pages get data: cached reads of the warehouse, keyed on its version.

The warehouse file is replaced whole by every import (`warehouse.rewrite`), so its version
(inode, mtime, size) changes; every cache below takes the version as an argument, so the
next script run after an import reads the new file without a restart. Each query runs on
its own cursor because Streamlit sessions are threads.

Frames are cached once per server (`st.cache_resource`), not copied per call as `st.cache_data`
would (unpickling the metrics frame on every rerun): each caller gets a shallow copy, which
under pandas' copy-on-write can be changed without touching the cached one. Every frame handed
out remembers where it came from, so `chart` keys a figure on that instead of hashing the
frame's contents on every rerun. And what those caches gave is recalled with a dict lookup
for the version in use (`_Recent`), since Streamlit's cache hashes every argument of every
call: a commissioner's warm page runs took 0.35-0.42 s of CPU for all nine pages instead of
0.64 s (bench/README.md).
"""

from __future__ import annotations

import itertools
import pickle
import threading
import weakref
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd
import streamlit as st

from dashboard import access, warehouse
from dashboard.access import Viewer
from dashboard.components import launch, signin
from dashboard.settings import Settings


class NoWarehouse(RuntimeError):
    """There is no warehouse file yet (run `seip demo` or `seip import`)."""


def settings() -> Settings:
    """The settings in force (read from the environment on every run: it is cheap)."""
    return Settings.from_env()


def viewer() -> Viewer:
    """The viewer this session signed in as, asked of the sign-in layer on every call (a page
    run without the router gets the sign-in form, never a default role)."""
    return signin.current_viewer(settings())


def _current() -> tuple[str, str]:
    viewer()  # every read of the warehouse needs a signed-in (or demo) session first
    path = settings().db_path
    try:
        return str(path), warehouse.version(path)
    except FileNotFoundError:
        raise NoWarehouse(
            f"There is no warehouse at {path}. Run `seip demo` (synthetic data) or `seip import PATH` first."
        ) from None


def available() -> bool:
    """True when the warehouse file exists."""
    try:
        _current()
    except NoWarehouse:
        return False
    return True


class _Connections:
    """The open read-only connection per warehouse path, replaced when its version changes.

    The old connection is closed *before* the new one opens: duckdb.connect() hands back the
    already-open database for a path while any connection to it is open, which would keep
    showing the file from before the swap.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._open: dict[str, tuple[str, duckdb.DuckDBPyConnection]] = {}

    def get(self, path: str, version: str) -> duckdb.DuckDBPyConnection:
        with self._lock:
            held = self._open.get(path)
            if held is not None and held[0] == version:
                return held[1]
            if held is not None:
                held[1].close()
            con = warehouse.open_read_only(Path(path))
            self._open[path] = (version, con)
        if held is not None:  # an import swapped in a new version: its audit, ahead of the governors
            launch.work_out_audit_ahead()
        return con

    def close_all(self) -> None:
        """Close every connection (Streamlit's caches are being cleared): what was recalled from
        them goes too."""
        with self._lock:
            for _, con in self._open.values():
                con.close()
            self._open.clear()
        _recent.clear()


@st.cache_resource(show_spinner=False, on_release=_Connections.close_all)
def _connections() -> _Connections:
    return _Connections()


def _connection(path: str, version: str) -> duckdb.DuckDBPyConnection:
    return _connections().get(path, version)


def _retrying(read, *args):
    """Run a cached read; if an import swapped the file (and closed the connection) meanwhile,
    run it again on the new version."""
    path, ver = _current()
    try:
        return read(path, ver, *args)
    except duckdb.ConnectionException:
        path, ver = _current()
        return read(path, ver, *args)


def version() -> str:
    """The warehouse version the caches are keyed on."""
    return _current()[1]


class PerObject:
    """Something remembered about live objects, found again by identity (frames and figures
    cannot be dict keys). An entry goes when its object is freed."""

    def __init__(self) -> None:
        self._held: dict[int, tuple[weakref.ref, object]] = {}

    def get(self, obj: object) -> object | None:
        held = self._held.get(id(obj))
        return held[1] if held is not None and held[0]() is obj else None

    def put(self, obj: object, value: object) -> object:
        key = id(obj)
        # the callback runs as the object is freed, before its id can be given to another one
        self._held[key] = (weakref.ref(obj, lambda _, key=key: self._held.pop(key, None)), value)
        return value


_origins = PerObject()  # frame -> what it was computed from
_built_frames = itertools.count()


def _handed_out(frame: pd.DataFrame, origin: tuple) -> pd.DataFrame:
    shallow = frame.copy(deep=False)
    _origins.put(shallow, origin)
    return shallow


def _frame_key(frame: pd.DataFrame) -> object:
    """What a frame argument of `chart` is keyed on: where it came from when it came from these
    caches unchanged, else its contents."""
    origin = _origins.get(frame)
    return origin if origin is not None else contents(frame)


def contents(frame: pd.DataFrame) -> object:
    """A frame as a cache key by what it holds: its columns, their types and every value (about
    2 ms for the 2,700 rows of the impact panel)."""
    try:
        return (
            tuple(frame.columns),
            tuple(map(str, frame.dtypes)),
            pd.util.hash_pandas_object(frame).to_numpy().tobytes(),
        )
    except TypeError:  # unhashable cells (lists): the whole frame, pickled
        return pickle.dumps(frame)


@st.cache_resource(max_entries=1024, show_spinner=False)
def _fetch(
    path: str, version: str, name: str, role: str, scope: str | None, params: tuple[tuple[str, object], ...]
) -> pd.DataFrame:
    return access.fetch(
        _connection(path, version),
        Viewer(name="cache", role=role, scope=scope),
        Settings.from_env(path),
        name,
        **dict(params),
    )


class _Recent:
    """What `fetch`, `metrics` and `chart` handed out for the warehouse version in use, found
    again with a dict lookup: Streamlit's cache hashes every argument of every call (about
    0.3 ms a call), and a page makes tens of such calls a run. It holds only what those caches
    returned (the same objects), at most ENTRIES (the most Streamlit keeps of any one of them),
    starts again at a new version, and is emptied with Streamlit's caches (`close_all`)."""

    ENTRIES = 256

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version: str | None = None
        self._held: dict[tuple, object] = {}

    def get(self, version: str, key: tuple) -> object | None:
        return self._held.get(key) if version == self._version else None

    def put(self, version: str, key: tuple, value: object) -> object:
        with self._lock:
            if version != self._version:
                self._held, self._version = {}, version
            if len(self._held) >= self.ENTRIES:
                del self._held[next(iter(self._held))]
            self._held[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._held, self._version = {}, None


_recent = _Recent()


def _recalled(version: str, key: tuple | None, read: Callable[[], object]) -> object:
    """`read()`, or what it gave for `key` at this version before (`key` None: not kept)."""
    if key is None:
        return read()
    held = _recent.get(version, key)
    return held if held is not None else _recent.put(version, key, read())


def _key(*parts: object) -> tuple | None:
    """`parts` with the type of each value beside it (1, 1.0 and True are equal keys in a
    dict), or None when one cannot be a key."""

    def typed(value: object) -> object:
        return tuple(map(typed, value)) if isinstance(value, tuple) else (type(value).__name__, value)

    key = typed(parts)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def fetch(query_name: str, **params: object) -> pd.DataFrame:
    """Rows of the stored query `query_name` with bound params through the gate
    (`access.fetch`: the viewer's disclosure control), cached per warehouse version and viewer."""
    who = viewer()
    key = (query_name, who.role, who.scope, tuple(sorted(params.items())))
    path, ver = _current()
    origin = ("fetch", path, ver, *key)
    return _handed_out(_recalled(ver, _key(*origin), lambda: _retrying(_fetch, *key)), origin)


@st.cache_resource(max_entries=256, show_spinner=False, hash_funcs={pd.DataFrame: _frame_key})
def _built(
    path: str, version: str, role: str, scope: str | None, name: str, _builder: Callable, args: tuple, kwargs: dict
) -> object:
    built = _builder(*args, **kwargs)
    # frames among the results are shared as they are: key later charts drawn from them by identity
    for part in built if isinstance(built, tuple) else (built,):
        if isinstance(part, pd.DataFrame):
            _origins.put(part, ("built", next(_built_frames)))
    return built


def chart(builder: Callable, *args: object, **kwargs: object) -> object:
    """`builder(*args, **kwargs)` (a pure chart builder, or anything else a page works out from
    the frames it is given), built once per warehouse version, viewer and arguments, because
    plotly takes a tenth of a second or more to build a figure.

    The result is shared between sessions, not copied: nothing may change it afterwards.
    Frames from `fetch`, `metrics` and earlier `chart` calls are keyed by where they came from,
    so pass them as they were handed out (a changed frame must be a new one, as pandas makes it).
    """
    who = viewer()
    name = f"{builder.__module__}.{builder.__qualname__}"
    path, ver = _current()

    def keyed(value: object) -> object:  # frames as Streamlit's cache keys them
        return _frame_key(value) if isinstance(value, pd.DataFrame) else value

    arguments = (tuple(map(keyed, args)), tuple(sorted((k, keyed(v)) for k, v in kwargs.items())))
    key = _key("chart", path, name, who.role, who.scope, *arguments)
    return _recalled(ver, key, lambda: _retrying(_built, who.role, who.scope, name, builder, args, kwargs))


@st.cache_resource(max_entries=256, show_spinner=False)
def _metrics(
    path: str, version: str, year: str | None, partnership: str | None, role: str, scope: str | None
) -> pd.DataFrame:
    cur = _connection(path, version).cursor()
    try:
        return access.metrics(
            cur,
            Viewer(name="cache", role=role, scope=scope),
            Settings.from_env(path),
            year=year,
            partnership=partnership,
        )
    finally:
        cur.close()


def metrics(year: str | None = None, partnership: str | None = None) -> pd.DataFrame:
    """Every metric (long frame) for the year and partnership asked for, bound in the gate's SQL,
    as the viewer may see it: `year` None is every year; `partnership` a code is that partnership
    and the la_total, `ALL` the la_total alone, None every partnership; DfE's areas always come.
    Ask for what the page shows: the whole frame (no arguments) only for a chart of every
    partnership over every year.

    Columns: metric, academic_year, area_type, area_code, area_name, value, suppressed.
    """
    who = viewer()
    key = (year, partnership, who.role, who.scope)
    path, ver = _current()
    origin = ("metrics", path, ver, *key)
    return _handed_out(_recalled(ver, _key(*origin), lambda: _retrying(_metrics, *key)), origin)


@st.cache_resource(show_spinner=False)
def _catalogue() -> pd.DataFrame:
    from dashboard import metrics as metrics_module

    return pd.DataFrame([m.info() for m in metrics_module.catalogue().values()])


@st.cache_resource(show_spinner=False)
def _entries() -> dict[str, dict]:
    return {row["metric"]: row for row in _catalogue().to_dict("records")}


def catalogue() -> pd.DataFrame:
    """The metric dictionary: metric, label, unit, decimals, polarity (lower/higher/neutral),
    definition, source, caveats."""
    return _catalogue().copy(deep=False)


def metric_info(metric: str) -> dict:
    """One metric's catalogue entry as a dict. Raises KeyError for a metric the dictionary lacks."""
    try:
        return dict(_entries()[metric])
    except KeyError:
        raise KeyError(f"metric {metric!r} is not in the metric dictionary (queries/metrics.yml)") from None


@st.cache_data(max_entries=4, show_spinner=False)
def _meta(path: str, version: str) -> dict[str, str]:
    cur = _connection(path, version).cursor()
    try:
        return dict(cur.execute("select key, value from meta").fetchall())
    except duckdb.CatalogException:
        return {}
    finally:
        cur.close()


def meta() -> dict[str, str]:
    """The warehouse's meta table as a dict (version, synthetic, ...)."""
    return _retrying(_meta)


def is_synthetic() -> bool:
    """True when the warehouse holds the synthetic demo data."""
    return meta().get("synthetic", "").lower() == "true"


@st.cache_data(max_entries=4, show_spinner=False)
def _data_as_of(path: str, version: str) -> str | None:
    from dashboard import metrics as metrics_module

    return metrics_module.data_as_of(_connection(path, version))


def data_as_of() -> str:
    """The latest date found in the partnership data, as ISO text ('not known' when empty)."""
    return _retrying(_data_as_of) or "not known"
