"""Airflow plugin: the "SMCC" entry of the Airflow UI.

The view itself lives in ``smcc.ui`` (installed with the smcc package); this file only tells
Airflow where to mount it. ``SMCC_PUBLIC_URL`` (default ``http://localhost:8080/smcc``) must
point at this mount so that the links in ticket e-mails land here.
"""

from __future__ import annotations

from airflow.plugins_manager import AirflowPlugin

from smcc.ui.app import create_app

URL_PREFIX = "/smcc"


class SmccPlugin(AirflowPlugin):
    name = "smcc"
    fastapi_apps = [{"app": create_app(), "url_prefix": URL_PREFIX, "name": "SMCC"}]
    external_views = [{
        "name": "SMCC",
        "href": f"{URL_PREFIX}/",
        "destination": "nav",
        "url_route": "smcc",
    }]
