"""The storage adapters' edge: SQLAlchemy's errors leave as the domain's ``StorageUnavailable``."""

from __future__ import annotations

import functools
import inspect

from sqlalchemy.exc import SQLAlchemyError

from sendward.domain.records import StorageUnavailable


def translate_errors(cls):
    """Wrap every public method of ``cls`` so that a SQLAlchemyError is raised as StorageUnavailable
    (chained: the driver's error stays the cause). Properties and private helpers are left as they are."""
    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        setattr(cls, name, _translated(member))
    return cls


def _translated(method):
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as error:
            raise StorageUnavailable(type(error).__name__) from error

    return wrapper
