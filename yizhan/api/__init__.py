"""REST API v1 (django-ninja): this package only assembles the API from each app's routers.

An app's ``api.py`` declares up to three audience routers over its own services:

- ``public_router`` — anonymous (SPEC §11), every operation rate-limited by the app;
- ``staff_router`` — the staff browser session (with CSRF) or ``Authorization: Bearer <token>``;
- ``partner_router`` — integration clients with a token only (no browser session).

Authentication is set here, on the router, never operation by operation: whatever an app adds to its
staff or partner router is authenticated. Every error answers ``{"error": {"code", "message",
"fields"}}`` with a 4xx status (``yizhan.core.http.errors``).
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from ninja import NinjaAPI

from yizhan.core.http.auth import PARTNER_AUTH, STAFF_AUTH
from yizhan.core.http.errors import install_error_handlers
from yizhan.core.http.openapi import normalise
from yizhan.core.http.parser import StrictJsonParser


class YizhanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """``<app>_<view>``, e.g. ``matters_create_matter`` (unique: an app's views have distinct names)."""
        app = operation.view_func.__module__.split(".")[1]
        return f"{app}_{operation.view_func.__name__}"

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """The document, made valid OpenAPI 3.1 (``core.http.openapi``)."""
        return normalise(super().get_openapi_schema(*args, **kwargs))


api = YizhanAPI(
    title="Yizhan 一站 API",
    version="1",
    description=(
        "公共法律服务平台接口。集成客户端使用 `Authorization: Bearer <令牌>`；"
        "工作人员浏览器会话需带 CSRF 令牌。"
        "所有创建请求支持 `Idempotency-Key` 请求头：同一键的重试返回同一结果，不会重复创建。"
        '错误统一为 `{"error": {"code", "message", "fields"}}`。'
    ),
    urls_namespace="api-1",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StrictJsonParser(),
    auth=STAFF_AUTH,  # the default for anything not mounted below: never anonymous by accident
)
install_error_handlers(api)

AUDIENCES = (("public_router", None), ("staff_router", STAFF_AUTH), ("partner_router", PARTNER_AUTH))


def api_modules() -> list[str]:
    """The ``api`` module of every installed Yizhan app, in INSTALLED_APPS order."""
    names = []
    for config in apps.get_app_configs():
        module = f"{config.name}.api"
        if config.name.startswith("yizhan.") and config.name != __name__ and find_spec(module):
            names.append(module)
    return names


def _mount() -> None:
    for module_name in api_modules():
        module = import_module(module_name)
        for attribute, auth in AUDIENCES:
            router = getattr(module, attribute, None)
            if router is not None:
                api.add_router("/", router, auth=auth)


_mount()
