"""A local stand-in for an S3-compatible object storage (path-style addressing).

Enough of the S3 HTTP API for django-storages and a browser: ``PUT`` (bucket and
object), ``HEAD``, ``GET`` (with a single ``Range``), ``DELETE``. Objects live in
memory. A presigned ``GET`` (signature version 4 in the query, as boto3 makes
them) is checked as S3 checks it: the signature over the method, path, query
and host with the secret key, and the expiry; ``response-content-type``,
``response-content-disposition`` and ``response-cache-control`` in the query
become the answer's headers. Requests signed in a header must name a known access
key (their signature is not recomputed). ``aws-chunked`` uploads are decoded.

Run it with ``python -m devservers.s3 --port 8602`` and set
``MEDIA_S3_ENDPOINT_URL=http://127.0.0.1:8602`` with the access key and secret
below; tests start it in a thread.
"""

import argparse
import hashlib
import hmac
import re
import threading
from datetime import UTC, datetime, timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

ACCESS_KEY = "academy-dev-access-key"
SECRET_KEY = "academy-dev-secret-key"  # noqa: S105 - the fake's own demo credentials
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_ANSWER_HEADERS = {
    "response-content-type": "Content-Type",
    "response-content-disposition": "Content-Disposition",
    "response-cache-control": "Cache-Control",
}


class FakeS3:
    """The server's state: buckets of objects, and the requests it answered."""

    def __init__(self, credentials=None):
        self.lock = threading.Lock()
        self.credentials = credentials or {ACCESS_KEY: SECRET_KEY}
        self.buckets = {}
        self.requests = []


def _error(code, message, status):
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
        f"<Message>{message}</Message></Error>"
    ).encode()
    return status, {"Content-Type": "application/xml"}, body


def _signing_key(secret, day, region, service):
    key = f"AWS4{secret}".encode()
    for part in (day, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def presigned_refusal(state, method, raw_path, raw_query, host, now):
    """Why S3 would refuse this presigned request, or None if it is valid."""
    params = dict(parse_qsl(raw_query, keep_blank_values=True))
    if params.get("X-Amz-Algorithm") != "AWS4-HMAC-SHA256":
        return "AccessDenied", "only AWS4-HMAC-SHA256 query signatures are served here"
    try:
        access_key, day, region, service, _terminal = params["X-Amz-Credential"].split("/")
        signed_at = datetime.strptime(params["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        expires = int(params["X-Amz-Expires"])
        signature = params["X-Amz-Signature"]
    except (KeyError, ValueError):
        return "AuthorizationQueryParametersError", "a query signature parameter is malformed"
    secret = state.credentials.get(access_key)
    if secret is None:
        return "InvalidAccessKeyId", "the access key is not known here"
    if now > signed_at + timedelta(seconds=expires):
        return "AccessDenied", "Request has expired"
    pairs = sorted(
        tuple(pair.partition("=")[::2])
        for pair in raw_query.split("&")
        if not pair.startswith("X-Amz-Signature=")
    )
    if params.get("X-Amz-SignedHeaders") != "host":
        return "AccessDenied", "only the host header may be signed here"
    canonical = "\n".join(
        [
            method,
            raw_path,
            "&".join(f"{key}={value}" for key, value in pairs),
            f"host:{host}\n",
            "host",
            "UNSIGNED-PAYLOAD",
        ]
    )
    to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            params["X-Amz-Date"],
            f"{day}/{region}/{service}/aws4_request",
            hashlib.sha256(canonical.encode()).hexdigest(),
        ]
    )
    expected = hmac.new(
        _signing_key(secret, day, region, service), to_sign.encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "SignatureDoesNotMatch", "the signature does not match"
    return None


def _decode_aws_chunked(body):
    """The payload of an ``aws-chunked`` upload (size;chunk-signature\\r\\ndata\\r\\n…)."""
    out, position = bytearray(), 0
    while True:
        end = body.index(b"\r\n", position)
        size = int(body[position:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += body[end + 2 : end + 2 + size]
        position = end + 2 + size + 2


class Handler(BaseHTTPRequestHandler):
    # HTTP/1.1: boto3 waits for "100 Continue" before it sends an upload's body.
    protocol_version = "HTTP/1.1"
    state: FakeS3

    def log_message(self, format, *args):  # quiet in tests
        pass

    def _answer(self, status, headers, body=b"", send_body=True):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if send_body and body:
            self.wfile.write(body)

    def _target(self):
        parts = urlsplit(self.path)
        bucket, _, key = parts.path.lstrip("/").partition("/")
        return unquote(bucket), unquote(key), parts

    def _authorised(self, parts):
        """None when the request may go on, else an error answer."""
        if "X-Amz-Signature=" in parts.query:
            refusal = presigned_refusal(
                self.state,
                self.command,
                parts.path,
                parts.query,
                self.headers.get("Host", ""),
                datetime.now(UTC),
            )
            return _error(*refusal, 403) if refusal else None
        match = re.search(r"Credential=([^/]+)/", self.headers.get("Authorization", ""))
        if not match or match.group(1) not in self.state.credentials:
            return _error("AccessDenied", "a signed request is required", 403)
        return None

    def _handle(self, method):
        bucket, key, parts = self._target()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.state.lock:
            self.state.requests.append((method, bucket, key, parts.query))
        refusal = self._authorised(parts)
        if refusal:
            return self._answer(*refusal, send_body=method != "HEAD")
        with self.state.lock:
            if method == "PUT" and not key:
                self.state.buckets.setdefault(bucket, {})
                return self._answer(200, {})
            if bucket not in self.state.buckets:
                return self._answer(*_error("NoSuchBucket", bucket, 404), method != "HEAD")
            objects = self.state.buckets[bucket]
            if method == "PUT":
                if "aws-chunked" in self.headers.get("Content-Encoding", ""):
                    body = _decode_aws_chunked(body)
                etag = f'"{hashlib.md5(body).hexdigest()}"'  # noqa: S324 - S3's ETag is an MD5
                objects[key] = {
                    "body": body,
                    "type": self.headers.get("Content-Type", "binary/octet-stream"),
                    "etag": etag,
                    "modified": formatdate(usegmt=True),
                }
                return self._answer(200, {"ETag": etag})
            if method == "DELETE":
                objects.pop(key, None)
                return self._answer(204, {})
            stored = objects.get(key)
        if stored is None:
            return self._answer(*_error("NoSuchKey", key, 404), method != "HEAD")
        return self._send_object(stored, parts, method)

    def _send_object(self, stored, parts, method):
        headers = {
            "Content-Type": stored["type"],
            "ETag": stored["etag"],
            "Last-Modified": stored["modified"],
            "Accept-Ranges": "bytes",
        }
        for name, value in parse_qsl(parts.query):
            if name in _ANSWER_HEADERS:
                headers[_ANSWER_HEADERS[name]] = value
        body, status = stored["body"], 200
        match = _RANGE.match(self.headers.get("Range", ""))
        if match and any(match.groups()):
            first, last = match.groups()
            size = len(body)
            start = int(first) if first else max(0, size - int(last))
            end = min(int(last), size - 1) if first and last else size - 1
            if start > end:
                return self._answer(416, {"Content-Range": f"bytes */{size}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            body, status = body[start : end + 1], 206
        return self._answer(status, headers, body, send_body=method != "HEAD")

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("HEAD")

    def do_PUT(self):
        self._handle("PUT")

    def do_DELETE(self):
        self._handle("DELETE")


class FakeS3Server:
    """The fake storage on 127.0.0.1, in a thread; ``url`` is MEDIA_S3_ENDPOINT_URL."""

    def __init__(self, port=0, buckets=()):
        self.state = FakeS3()
        for bucket in buckets:
            self.state.buckets[bucket] = {}
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def objects(self, bucket):
        with self.state.lock:
            return dict(self.state.buckets.get(bucket, {}))

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
    parser.add_argument("--port", type=int, default=8602)
    parser.add_argument("--bucket", default="academy-media")
    args = parser.parse_args()
    server = FakeS3Server(args.port, buckets=[args.bucket])
    print(  # noqa: T201
        f"Fake object storage on {server.url}: bucket {args.bucket}, "
        f"access key {ACCESS_KEY}, secret {SECRET_KEY}"
    )
    try:
        server.httpd.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
