"""Authorization matrix rows of offers and tripartite agreements (API and pages)."""

from __future__ import annotations

from tests.identity.matrix import ANYONE, C, E, G, N, P, Row

_PARTIES_AND_OFFICES = frozenset({G, E, C, P, N})
_OFFICES = frozenset({C, P, N})

ROWS: Row = {
    # API
    ("POST", "/api/v1/applications/{application_id}/offers"): frozenset({E}),
    ("GET", "/api/v1/offers"): frozenset({G, E}),
    ("GET", "/api/v1/offers/{offer_id}"): frozenset({G, E}),
    ("POST", "/api/v1/offers/{offer_id}/withdraw"): frozenset({E}),
    ("POST", "/api/v1/offers/{offer_id}/accept"): frozenset({G}),
    ("POST", "/api/v1/offers/{offer_id}/decline"): frozenset({G}),
    ("GET", "/api/v1/agreements/verify"): ANYONE,
    ("GET", "/api/v1/agreements"): _PARTIES_AND_OFFICES,
    ("GET", "/api/v1/agreements/queue"): _OFFICES,
    ("GET", "/api/v1/agreements/{agreement_id}"): _PARTIES_AND_OFFICES,
    ("GET", "/api/v1/agreements/{agreement_id}/pdf"): _PARTIES_AND_OFFICES,
    ("PATCH", "/api/v1/agreements/{agreement_id}/terms"): frozenset({E}),
    ("POST", "/api/v1/agreements/{agreement_id}/sign"): frozenset({G, E}),
    ("POST", "/api/v1/agreements/{agreement_id}/approve"): _OFFICES,
    ("POST", "/api/v1/agreements/{agreement_id}/return"): _OFFICES,
    ("POST", "/api/v1/agreements/{agreement_id}/termination"): frozenset({G, E}),
    ("POST", "/api/v1/agreements/{agreement_id}/termination/approve"): _OFFICES,
    ("POST", "/api/v1/agreements/{agreement_id}/termination/reject"): _OFFICES,
    # pages
    ("GET", "/employer/applications/{application_id}/offer/new"): frozenset({E}),
    ("POST", "/employer/applications/{application_id}/offer/new"): frozenset({E}),
    ("POST", "/employer/offers/{offer_id}/withdraw"): frozenset({E}),
    ("GET", "/employer/agreements"): frozenset({E}),
    ("GET", "/employer/agreements/{agreement_id}"): frozenset({E}),
    ("POST", "/employer/agreements/{agreement_id}/terms"): frozenset({E}),
    ("POST", "/employer/agreements/{agreement_id}/sign"): frozenset({E}),
    ("POST", "/employer/agreements/{agreement_id}/termination"): frozenset({E}),
    ("GET", "/me/offers"): frozenset({G}),
    ("POST", "/me/offers/{offer_id}/accept"): frozenset({G}),
    ("POST", "/me/offers/{offer_id}/decline"): frozenset({G}),
    ("GET", "/me/agreements/{agreement_id}"): frozenset({G}),
    ("POST", "/me/agreements/{agreement_id}/sign"): frozenset({G}),
    ("POST", "/me/agreements/{agreement_id}/termination"): frozenset({G}),
    ("GET", "/office/agreements"): _OFFICES,
    ("GET", "/office/agreements/{agreement_id}"): _OFFICES,
    ("POST", "/office/agreements/{agreement_id}/approve"): _OFFICES,
    ("POST", "/office/agreements/{agreement_id}/return"): _OFFICES,
    ("POST", "/office/agreements/{agreement_id}/termination/approve"): _OFFICES,
    ("POST", "/office/agreements/{agreement_id}/termination/reject"): _OFFICES,
    ("GET", "/agreements/verify"): ANYONE,
}
