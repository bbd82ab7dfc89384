"""What every server the tests start shares: `with Server() as server:` starts it and
always stops it, even when the test fails."""

from __future__ import annotations

from types import TracebackType
from typing import Self


class Running:
    def start(self) -> object:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """What leaving the `with` block does: stop, and clean up what stop keeps."""
        self.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
