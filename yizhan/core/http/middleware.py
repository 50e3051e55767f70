"""Keep the API's error shape for the answers Django gives outside django-ninja's handlers: an unknown
path under the API (Django's 404 page) and a method an operation does not take (ninja's plain 405)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from yizhan.core.http.errors import http_error_response


class ApiErrorShapeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code in (404, 405)
            and request.path.startswith(settings.API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            shaped = http_error_response(response.status_code)
            if response.has_header("Allow"):
                shaped["Allow"] = response["Allow"]
            return shaped
        return response
