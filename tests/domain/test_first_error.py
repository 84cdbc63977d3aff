"""The one line every caller shows for an invalid document: its first field error."""

import pytest
from pydantic import BaseModel, ValidationError, model_validator

from sendward.domain.policy import Policy, first_error


def test_the_first_field_error_names_its_field():
    with pytest.raises(ValidationError) as raised:
        Policy.model_validate({"rules": {"recipients.exposed": {"block_at": 0}}, "retention_days": 0})
    line = first_error(raised.value)
    assert line.startswith("retention_days: ") or line.startswith("rules.recipients.exposed.block_at: ")
    assert "Value error, " not in line


class _Pair(BaseModel):
    low: int
    high: int

    @model_validator(mode="after")
    def _ordered(self):
        if self.low > self.high:
            raise ValueError("low must not exceed high")
        return self


def test_an_error_about_no_one_field_names_the_whole():
    with pytest.raises(ValidationError) as raised:
        _Pair(low=2, high=1)
    assert first_error(raised.value) == "document: low must not exceed high"
    assert first_error(raised.value, "body") == "body: low must not exceed high"
