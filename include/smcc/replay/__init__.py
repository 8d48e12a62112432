"""Replay server: the sample sites (news, forum, Facebook Graph) served locally, with faults."""

from __future__ import annotations

from smcc.replay.server import FAULTS, ReplayServer, encode_cp1258, main

__all__ = ["FAULTS", "ReplayServer", "encode_cp1258", "main"]
