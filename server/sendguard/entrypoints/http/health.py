"""GET /healthz: the process is alive."""

from flask import Blueprint, jsonify

import sendguard

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok", "version": sendguard.__version__})
