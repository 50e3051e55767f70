from yizhan.matters.models.events import (
    Attachment,
    EventCode,
    MatterEvent,
    Transfer,
    TransferStatus,
)
from yizhan.matters.models.matter import (
    Channel,
    CreatedVia,
    FeedbackMethod,
    Gender,
    Matter,
    Outcome,
    PartyRole,
    Requester,
    RequesterGroup,
    Satisfaction,
    SpecialGroup,
)
from yizhan.matters.models.reference import LegalDomain, ServiceType, TimeLimitRule

__all__ = [
    "Attachment",
    "Channel",
    "CreatedVia",
    "EventCode",
    "FeedbackMethod",
    "Gender",
    "LegalDomain",
    "Matter",
    "MatterEvent",
    "Outcome",
    "PartyRole",
    "Requester",
    "RequesterGroup",
    "Satisfaction",
    "ServiceType",
    "SpecialGroup",
    "TimeLimitRule",
    "Transfer",
    "TransferStatus",
]
