"""Sign-in sessions in Redis, for several web processes without a session table to query on every request.

Keys, under the store's prefix:
  session:<sha256 of the token>  a hash: id (public), user_id, created_at, last_seen_at (epoch seconds), user_agent;
                                 it expires with the session's absolute lifetime
  person:<user id>:sessions      a set of the person's token hashes ("sign out everywhere", My account's list)
  sessions:seen / sessions:started  sorted sets of token hashes by last use and by start, for the purge

The idle rule (and a running quiz keeping a session alive) is checked against the app's clock, exactly as in the
database store; the TTLs only make sure nothing outlives its lifetime if the purge never runs. Redis writes are
not part of the request's database transaction: a sign-out or "end all" stands even if the request then fails.
"""
from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import redis
from sqlalchemy import select
from sqlalchemy.orm import Session, lazyload

from ..engine.timing import GRACE
from ..models import Attempt, AttemptState, OrgSettings, User
from .session_store import SessionInfo
from .sessions import TOUCH_EVERY, Limits, alive, describe_agent, hash_token


def _stamp(moment: datetime) -> float:
    return moment.timestamp()


def _moment(value: str) -> datetime:
    return datetime.fromtimestamp(float(value), UTC)


class RedisStore:
    """The session store on Redis (QUIZAPP_REDIS_URL); the person is loaded from the database by primary key."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.client = client
        self.prefix = prefix

    @classmethod
    def from_url(cls, url: str, prefix: str) -> RedisStore:
        """A store on the Redis at `url` (no connection is made until the first use)."""
        return cls(redis.Redis.from_url(url, decode_responses=True), prefix)

    def _key(self, token_hash: str) -> str:
        return f"{self.prefix}session:{token_hash}"

    def _person(self, user_id: int) -> str:
        return f"{self.prefix}person:{user_id}:sessions"

    @property
    def _seen(self) -> str:
        return f"{self.prefix}sessions:seen"

    @property
    def _started(self) -> str:
        return f"{self.prefix}sessions:started"

    @staticmethod
    def _limits(session: Session) -> Limits:
        # Only the two columns: the settings row also holds the logo.
        row = session.execute(select(OrgSettings.session_idle_minutes, OrgSettings.session_max_hours)
                              .where(OrgSettings.id == 1)).first()
        return Limits.from_values(*(row or (None, None)))

    def start(self, session: Session, user: User, user_agent: str, now: datetime) -> str:
        """Write the session's hash with a TTL of its lifetime and add it to the person's set."""
        token = secrets.token_urlsafe(32)
        token_hash = hash_token(token)
        lifetime = int(self._limits(session).maximum.total_seconds())
        fields: dict[Any, Any] = {"id": secrets.token_hex(8), "user_id": user.id, "created_at": _stamp(now),
                  "last_seen_at": _stamp(now), "user_agent": describe_agent(user_agent or "")}
        pipe = self.client.pipeline()
        pipe.hset(self._key(token_hash), mapping=fields)
        pipe.expire(self._key(token_hash), lifetime)
        pipe.sadd(self._person(user.id), token_hash)
        pipe.expire(self._person(user.id), lifetime)  # renewed at each sign-in, so it outlives every member
        pipe.zadd(self._seen, {token_hash: _stamp(now)})
        pipe.zadd(self._started, {token_hash: _stamp(now)})
        pipe.execute()
        return token

    @staticmethod
    def _info(data: dict[str, str]) -> SessionInfo:
        return SessionInfo(data["id"], int(data["user_id"]), _moment(data["created_at"]),
                           _moment(data["last_seen_at"]), data.get("user_agent", ""))

    def find(self, session: Session, token: str, now: datetime) -> tuple[SessionInfo, User] | None:
        """One HGETALL, then one query for the person (by primary key) and the two limits."""
        token_hash = hash_token(token)
        data: dict[str, str] = self.client.hgetall(self._key(token_hash))  # type: ignore[assignment]  # sync client
        if not data:
            return None
        found = self._info(data)
        row = session.execute(
            select(User, OrgSettings.session_idle_minutes, OrgSettings.session_max_hours)
            .outerjoin(OrgSettings, OrgSettings.id == 1).where(User.id == found.user_id)
            .options(lazyload(User.school), lazyload(User.staff_group))).first()
        if row is None or not row[0].active:
            return None
        user, idle_minutes, max_hours = row
        if not alive(session, found, Limits.from_values(idle_minutes, max_hours), now):
            self._remove(found.user_id, [token_hash])
            return None
        if now - found.last_seen_at >= TOUCH_EVERY:
            pipe = self.client.pipeline()
            pipe.hset(self._key(token_hash), "last_seen_at", _stamp(now))
            pipe.zadd(self._seen, {token_hash: _stamp(now)})
            pipe.execute()
            found = SessionInfo(found.id, found.user_id, found.created_at, now, found.user_agent)
        return found, user

    def _members(self, user_id: int) -> list[tuple[str, SessionInfo]]:
        """The person's (token hash, session) pairs; members whose hash has expired are dropped from the set."""
        members: Any = self.client.smembers(self._person(user_id))  # a sync client with decoded strings
        hashes: list[str] = sorted(members)
        pipe = self.client.pipeline()
        for token_hash in hashes:
            pipe.hgetall(self._key(token_hash))
        found: list[tuple[str, SessionInfo]] = []
        gone: list[str] = []
        for token_hash, data in zip(hashes, pipe.execute(), strict=True):
            (found.append((token_hash, self._info(data))) if data else gone.append(token_hash))
        if gone:
            self._remove(user_id, gone)
        return found

    def list(self, session: Session, user_id: int, now: datetime) -> list[SessionInfo]:
        """The person's sessions within their lifetime, most recently used first."""
        maximum = self._limits(session).maximum
        live = [info for _hash, info in self._members(user_id) if info.created_at > now - maximum]
        return sorted(live, key=lambda s: (s.last_seen_at, s.created_at, s.id), reverse=True)

    def owned(self, session: Session, user_id: int, session_id: str) -> SessionInfo | None:
        """The person's session with this public id, else None."""
        return next((info for _hash, info in self._members(user_id) if info.id == session_id), None)

    def _remove(self, user_id: int, hashes: Iterable[str]) -> int:
        """Delete these sessions of the person and say how many still existed."""
        hashes = list(hashes)
        if not hashes:
            return 0
        pipe = self.client.pipeline()
        pipe.delete(*(self._key(h) for h in hashes))
        pipe.srem(self._person(user_id), *hashes)
        pipe.zrem(self._seen, *hashes)
        pipe.zrem(self._started, *hashes)
        deleted: int = pipe.execute()[0]
        return deleted

    def delete(self, session: Session, found: SessionInfo) -> None:
        """End one session (found by its public id among the person's)."""
        self._remove(found.user_id, [h for h, info in self._members(found.user_id) if info.id == found.id])

    def delete_all(self, session: Session, user_id: int) -> int:
        """End every session of the person."""
        hashes: Any = self.client.smembers(self._person(user_id))
        ended = self._remove(user_id, hashes)
        self.client.delete(self._person(user_id))
        return ended

    def purge(self, session: Session, now: datetime) -> int:
        """Remove sessions past their lifetime, and those idle with no quiz running, as the database store does."""
        limits = self._limits(session)
        old: Any = self.client.zrangebyscore(self._started, "-inf", _stamp(now - limits.maximum))
        idle: Any = self.client.zrangebyscore(self._seen, "-inf", _stamp(now - limits.idle))
        candidates = sorted(set(old) | set(idle))
        if not candidates:
            return 0
        running = set(session.scalars(select(Attempt.user_id).where(
            Attempt.state == AttemptState.IN_PROGRESS.value, Attempt.deadline_at > now - GRACE)))
        pipe = self.client.pipeline()
        for token_hash in candidates:
            pipe.hgetall(self._key(token_hash))
        ended, past_lifetime = 0, set(old)
        for token_hash, data in zip(candidates, pipe.execute(), strict=True):
            if not data:  # expired by its TTL already: only the index entries are left
                self.client.zrem(self._seen, token_hash)
                self.client.zrem(self._started, token_hash)
                continue
            info = self._info(data)
            if token_hash not in past_lifetime and info.user_id in running:
                continue  # idle, but a quiz is running: its deadline keeps the session
            ended += self._remove(info.user_id, [token_hash])
        return ended
