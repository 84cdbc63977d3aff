"""What one scan has used so far, shared by every nested extractor."""

from __future__ import annotations

from dataclasses import dataclass

from sendward.detection.limits import Limits, Unscannable
from sendward.kernel import Deadline


@dataclass
class ScanState:
    limits: Limits
    deadline: Deadline
    expanded_bytes: int = 0
    cells: int = 0
    depth: int = 0

    def expand(self, size: int) -> None:
        """Account for ``size`` decompressed bytes; raise when the attachment's total is exceeded."""
        self.expanded_bytes += size
        if self.expanded_bytes > self.limits.max_expanded_bytes:
            raise Unscannable(
                "too_large",
                f"expands to more than {self.limits.max_expanded_bytes // 2**20} MB",
            )

    def cells_left(self) -> int:
        return max(0, self.limits.max_cells - self.cells)
