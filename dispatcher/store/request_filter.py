"""Which service requests `sr list`, the board and the reports ask for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dispatcher.domain.requests import ServiceRequest


@dataclass(frozen=True)
class RequestFilter:
    """What `sr list` and the board ask for; None means any. Drills stay out unless asked for:
    they must never count in service figures."""

    include_closed: bool = False
    emergency: bool | None = None
    category: str | None = None
    status: str | None = None
    site: str | None = None
    product: str | None = None
    since: datetime | None = None
    drill: bool | None = False

    def matches(self, sr: ServiceRequest) -> bool:
        return (
            (self.include_closed or sr.is_open)
            and (self.emergency is None or sr.is_emergency == self.emergency)
            and (self.category is None or sr.category.value == self.category)
            and (self.status is None or sr.status.value == self.status)
            and (self.site is None or sr.site.casefold() == self.site.casefold())
            and (self.product is None or sr.product.casefold() == self.product.casefold())
            and (self.since is None or sr.received >= self.since)
            and (self.drill is None or sr.drill == self.drill)
        )
