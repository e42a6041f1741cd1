"""Config field validators (see :mod:`spark.core.validation`)."""

from spark.core.validation import (
    ConfigurationValidator,
    NonNegativeValidator,
    OneOfValidator,
    PositiveValidator,
    RangeValidator,
    ShapeValidator,
    TypeValidator,
)

__all__ = [
    "ConfigurationValidator",
    "TypeValidator",
    "PositiveValidator",
    "NonNegativeValidator",
    "RangeValidator",
    "OneOfValidator",
    "ShapeValidator",
]
