"""A fake WeChat: the official account's and the open platform's endpoints, locally.

It speaks the documented requests and answers of ``open.weixin.qq.com`` (OAuth
consent, which it gives at once for the scripted user) and ``api.weixin.qq.com``
(OAuth tokens, user info, access tokens, template messages, JS-SDK tickets), so
sign-in and notices can be tried and tested with no WeChat credentials.

    python -m devservers.wechat --port 8011

Tests script it through a ``FakeWeChat`` object: apps, users (an openid per app, a
unionid, a nickname), who unfollowed, which templates exist; and read what was sent.
"""

import argparse
import itertools
import json
import secrets
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

# The demo apps `make run` signs in with (academy/settings.py uses the same ids).
DEMO_WEBSITE_APP = ("wxdemowebsite000", "demo-website-secret")
DEMO_OFFICIAL_APP = ("wxdemoofficial00", "demo-official-secret")

INVALID_APPID = {"errcode": 40013, "errmsg": "invalid appid"}
INVALID_SECRET = {"errcode": 40125, "errmsg": "invalid appsecret"}
INVALID_CODE = {"errcode": 40029, "errmsg": "invalid code"}
INVALID_TOKEN = {"errcode": 40001, "errmsg": "invalid credential, access_token is invalid"}
UNAUTHORIZED = {"errcode": 48001, "errmsg": "api unauthorized"}
INVALID_OPENID = {"errcode": 40003, "errmsg": "invalid openid"}
REQUIRE_SUBSCRIBE = {"errcode": 43004, "errmsg": "require subscribe"}
INVALID_TEMPLATE = {"errcode": 40037, "errmsg": "invalid template_id"}
RATE_LIMITED = {"errcode": 45009, "errmsg": "reach max api daily quota limit"}
SYSTEM_BUSY = {"errcode": -1, "errmsg": "system error"}


@dataclass
class User:
    """A WeChat user: one openid per app, one unionid across the open-platform account."""

    nickname: str = "微信用户"
    unionid: str = ""
    openids: dict = field(default_factory=dict)
    headimgurl: str = ""

    def openid(self, app_id):
        return self.openids.setdefault(app_id, "o" + secrets.token_hex(13))


@dataclass
class Grant:
    app_id: str
    user: User
    scope: str


class FakeWeChat:
    """The scripted state of the fake and what it was asked; safe across threads."""

    def __init__(self):
        self._lock = threading.Lock()
        self._numbers = itertools.count(1000)
        self.apps = dict([DEMO_WEBSITE_APP, DEMO_OFFICIAL_APP])
        self.users = []
        self.current = None
        self.codes = {}
        self.user_tokens = {}
        self.app_tokens = {}
        self.templates = None  # None: every template id exists
        self.unfollowed = set()
        self.busy = False
        self.rate_limited = False
        self.sent = []
        self.authorizations = []  # (path, app_id, scope) of each consent asked
        self.token_fetches = 0
        self.ticket_fetches = 0
        self.ticket_expires_in = 7200
        self.add_user(nickname="演示店主", unionid="demo-union-0001")

    # --- scripting

    def add_app(self, app_id, secret):
        self.apps[app_id] = secret

    def add_user(self, nickname="微信用户", unionid="", openids=None, headimgurl=""):
        """A user who gives consent from now on (the newest added is the current one)."""
        user = User(nickname, unionid, dict(openids or {}), headimgurl)
        with self._lock:
            self.users.append(user)
            self.current = user
        return user

    # --- the endpoints

    def authorize(self, path, query):
        app_id, redirect_uri = query.get("appid", ""), query.get("redirect_uri", "")
        if app_id not in self.apps or not redirect_uri:
            return 200, INVALID_APPID
        code = secrets.token_urlsafe(16)
        scope = query.get("scope", "")
        with self._lock:
            self.codes[code] = Grant(app_id, self.current, scope)
            self.authorizations.append((path, app_id, scope))
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        parts = urlsplit(redirect_uri)
        joined = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
        return 302, urlunsplit(parts._replace(query=joined))

    def oauth_token(self, query):
        app_id = query.get("appid", "")
        if app_id not in self.apps:
            return INVALID_APPID
        if self.apps[app_id] != query.get("secret"):
            return INVALID_SECRET
        with self._lock:
            grant = self.codes.pop(query.get("code", ""), None)
        if grant is None or grant.app_id != app_id:
            return INVALID_CODE
        token = secrets.token_urlsafe(24)
        self.user_tokens[token] = grant
        answer = {
            "access_token": token,
            "expires_in": 7200,
            "refresh_token": secrets.token_urlsafe(24),
            "openid": grant.user.openid(app_id),
            "scope": grant.scope,
        }
        if grant.user.unionid and grant.scope != "snsapi_base":
            answer["unionid"] = grant.user.unionid
        return answer

    def userinfo(self, query):
        grant = self.user_tokens.get(query.get("access_token", ""))
        if grant is None:
            return INVALID_TOKEN
        if grant.scope == "snsapi_base":
            return UNAUTHORIZED
        openid = grant.user.openid(grant.app_id)
        if query.get("openid") != openid:
            return INVALID_OPENID
        answer = {
            "openid": openid,
            "nickname": grant.user.nickname,
            "sex": 0,
            "province": "",
            "city": "",
            "country": "",
            "headimgurl": grant.user.headimgurl,
            "privilege": [],
        }
        if grant.user.unionid:
            answer["unionid"] = grant.user.unionid
        return answer

    def app_token(self, query):
        app_id = query.get("appid", "")
        if app_id not in self.apps:
            return INVALID_APPID
        if self.apps[app_id] != query.get("secret"):
            return INVALID_SECRET
        token = secrets.token_urlsafe(32)
        with self._lock:
            self.app_tokens[token] = app_id
            self.token_fetches += 1
        return {"access_token": token, "expires_in": 7200}

    def send_template(self, query, body):
        app_id = self.app_tokens.get(query.get("access_token", ""))
        if app_id is None:
            return INVALID_TOKEN
        if self.busy:
            return SYSTEM_BUSY
        if self.rate_limited:
            return RATE_LIMITED
        touser = body.get("touser", "")
        known = {user.openids.get(app_id) for user in self.users}
        if not touser or touser not in known:
            return INVALID_OPENID
        if touser in self.unfollowed:
            return REQUIRE_SUBSCRIBE
        if self.templates is not None and body.get("template_id") not in self.templates:
            return INVALID_TEMPLATE
        with self._lock:
            msgid = next(self._numbers)
            self.sent.append({**body, "msgid": msgid})
        return {"errcode": 0, "errmsg": "ok", "msgid": msgid}

    def ticket(self, query):
        if query.get("access_token", "") not in self.app_tokens:
            return INVALID_TOKEN
        if query.get("type") != "jsapi":
            return {"errcode": 40097, "errmsg": "invalid args"}
        with self._lock:
            self.ticket_fetches += 1
            number = self.ticket_fetches
        return {
            "errcode": 0,
            "errmsg": "ok",
            "ticket": f"fake-jsapi-ticket-{number}-{secrets.token_hex(8)}",
            "expires_in": self.ticket_expires_in,
        }


def handler_for(fake):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format, *args):
            pass

        def _query(self):
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _json(self, answer):
            body = json.dumps(answer, ensure_ascii=False).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            path, query = urlsplit(self.path).path, self._query()
            if path in ("/connect/oauth2/authorize", "/connect/qrconnect"):
                status, answer = fake.authorize(path, query)
                if status == 302:
                    self.send_response(302)
                    self.send_header("Location", answer)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                return self._json(answer)
            routes = {
                "/sns/oauth2/access_token": fake.oauth_token,
                "/sns/userinfo": fake.userinfo,
                "/cgi-bin/token": fake.app_token,
                "/cgi-bin/ticket/getticket": fake.ticket,
            }
            if path not in routes:
                self.send_error(404)
                return
            self._json(routes[path](query))

        def do_POST(self):
            path, query = urlsplit(self.path).path, self._query()
            length = int(self.headers.get("Content-Length") or 0)
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._json({"errcode": 47001, "errmsg": "data format error"})
            if path == "/sns/oauth2/access_token":
                return self._json(fake.oauth_token({**query, **body}))
            if path == "/cgi-bin/message/template/send":
                return self._json(fake.send_template(query, body))
            self.send_error(404)

    return Handler


class Server:
    """The fake listening on 127.0.0.1 in a thread; ``url`` is its base address."""

    def __init__(self, port=0, fake=None):
        self.fake = fake or FakeWeChat()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler_for(self.fake))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8011)
    args = parser.parse_args(argv)
    server = Server(args.port)
    print(f"Fake WeChat at {server.url} (demo user: 演示店主)", flush=True)  # noqa: T201
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
