"""A local stand-in for Tencent Cloud's SMS API 3.0 (``SendSms``, version 2021-01-11).

It answers as the real API does, keeps what it received, and fails on request:

- numbers ending in 9990 are blacklisted (``FailedOperation.PhoneNumberInBlacklist``),
  9991 reached their daily limit (``LimitExceeded.PhoneNumberDailyLimit``), 9992 their
  thirty-second one, and numbers outside +86 are ``IncorrectPhoneNumber``;
- ``POST /_control/script`` ``{"phone": …, "code": …}`` answers that code for a number;
- ``POST /_control/fail`` ``{"status": 500}`` answers the next request with that HTTP status;
- ``GET /_control/received`` lists the requests; ``POST /_control/reset`` forgets everything.

Run it with ``python -m devservers.sms --port 8601`` and set
``ACADEMY_SMS_ENDPOINT=http://127.0.0.1:8601``; tests start it in a thread.
"""

import argparse
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_VERSION = "2021-01-11"
MESSAGES = {
    "Ok": "send success",
    "FailedOperation.PhoneNumberInBlacklist": "phone number in blacklist",
    "LimitExceeded.PhoneNumberDailyLimit": "the number of SMS messages sent from a single "
    "mobile number every day exceeds the upper limit",
    "LimitExceeded.PhoneNumberThirtySecondLimit": "the number of SMS messages sent from a "
    "single mobile number within 30 seconds exceeds the upper limit",
    "InvalidParameterValue.IncorrectPhoneNumber": "incorrect phone number",
}
BY_ENDING = {
    "9990": "FailedOperation.PhoneNumberInBlacklist",
    "9991": "LimitExceeded.PhoneNumberDailyLimit",
    "9992": "LimitExceeded.PhoneNumberThirtySecondLimit",
}


class FakeSms:
    """The server's state: what it received and what it is told to answer."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        self.scripted = {}
        self.next_status = None
        self.serial = 0

    def code_for(self, phone):
        if phone in self.scripted:
            return self.scripted[phone]
        if not phone.startswith("+86"):
            return "InvalidParameterValue.IncorrectPhoneNumber"
        return BY_ENDING.get(phone[-4:], "Ok")

    def send_sms(self, body):
        statuses = []
        for phone in body.get("PhoneNumberSet") or []:
            code = self.code_for(phone)
            self.serial += 1
            statuses.append(
                {
                    "SerialNo": f"fake-{self.serial:06d}" if code == "Ok" else "",
                    "PhoneNumber": phone,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": body.get("SessionContext", ""),
                    "Code": code,
                    "Message": MESSAGES.get(code, code),
                    "IsoCode": "CN" if phone.startswith("+86") else "",
                }
            )
        return {"SendStatusSet": statuses}


def error(code, message):
    return {"Error": {"Code": code, "Message": message}}


class Handler(BaseHTTPRequestHandler):
    state: FakeSms

    def log_message(self, format, *args):  # quiet in tests
        pass

    def _json(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            return json.loads(raw or b"{}")
        except ValueError:
            return None

    def do_GET(self):
        if self.path == "/_control/received":
            with self.state.lock:
                return self._json(200, list(self.state.received))
        return self._json(404, {})

    def do_POST(self):
        body = self._body()
        state = self.state
        if self.path.startswith("/_control/"):
            with state.lock:
                if self.path == "/_control/script":
                    state.scripted[body["phone"]] = body["code"]
                elif self.path == "/_control/fail":
                    state.next_status = int(body.get("status", 500))
                elif self.path == "/_control/reset":
                    state.received.clear()
                    state.scripted.clear()
                    state.next_status = None
                else:
                    return self._json(404, {})
            return self._json(200, {"ok": True})
        return self._api(body)

    def _api(self, body):
        state = self.state
        request_id = str(uuid.uuid4())
        action = self.headers.get("X-TC-Action", "")
        with state.lock:
            state.received.append(
                {
                    "action": action,
                    "version": self.headers.get("X-TC-Version", ""),
                    "region": self.headers.get("X-TC-Region", ""),
                    "authorization": self.headers.get("Authorization", ""),
                    "body": body,
                }
            )
            status, state.next_status = state.next_status, None
            if status:
                return self._json(status, {"message": "fake server error"})
            if not self.headers.get("Authorization", "").startswith("TC3-HMAC-SHA256 "):
                answer = error("AuthFailure.SignatureFailure", "missing or unknown signature")
            elif action != "SendSms" or self.headers.get("X-TC-Version") != API_VERSION:
                answer = error("InvalidAction", f"{action} {API_VERSION} is not served here")
            elif body is None or not body.get("PhoneNumberSet") or not body.get("TemplateId"):
                answer = error("MissingParameter", "PhoneNumberSet and TemplateId are required")
            else:
                answer = state.send_sms(body)
        answer["RequestId"] = request_id
        return self._json(200, {"Response": answer})


class FakeSmsServer:
    """The fake API on 127.0.0.1, in a thread; ``url`` is ACADEMY_SMS_ENDPOINT."""

    def __init__(self, port=0):
        self.state = FakeSms()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def received(self):
        with self.state.lock:
            return list(self.state.received)

    def script(self, phone, code):
        with self.state.lock:
            self.state.scripted[phone] = code

    def fail_next(self, status=500):
        with self.state.lock:
            self.state.next_status = status

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        """Stop serving (once; later calls do nothing)."""
        if self.thread.is_alive():
            self.httpd.shutdown()
            self.thread.join()
        self.httpd.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8601)
    port = parser.parse_args().port
    server = FakeSmsServer(port)
    print(f"Fake Tencent Cloud SMS on {server.url}")  # noqa: T201
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()


if __name__ == "__main__":
    main()
