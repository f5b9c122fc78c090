"""The facade's in-memory indexes of one workspace (the link index behind coverage of the whole
workspace and gap reports, and the evidence register): how much memory they hold, and dropping them,
so that a server with many workspaces can keep the indexes of the busiest ones under a memory budget
and read the others again when asked (grcgraph.server.context.Registry)."""

from __future__ import annotations

from grcgraph.api.coverage import CoverageAPI


class IndexesAPI(CoverageAPI):
    def index_bytes(self) -> int:
        """An estimate of the memory this workspace's indexes hold (0 when none has been read)."""
        held = self.__dict__
        link_index, register = held.get("link_index"), held.get("register")
        return (link_index.approx_bytes() if link_index is not None else 0) + (register.approx_bytes() if register is not None else 0)

    def indexes_held(self) -> bool:
        """Whether any of this workspace's indexes is held in memory."""
        return "link_index" in self.__dict__ or "register" in self.__dict__

    def drop_indexes(self) -> None:
        """Forget this workspace's indexes: the next question that needs one reads it again from the
        store (answers are the same; only the first one is slower). A question already running keeps
        the index it holds until it ends."""
        self.__dict__.pop("link_index", None)
        self.__dict__.pop("register", None)
